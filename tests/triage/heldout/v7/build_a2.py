#!/usr/bin/env python3
"""Held-out set v7, part A2: 70 colloquial WeChat triage messages (hand-written).

Tuple layout: (text, level, age, sex, conditions, why)
age/sex/conditions are given only when the text itself states them.
"""
import json
import os
import random
from collections import Counter

SEED = 7717
SET = "colloquial"
FIRST_ID = 71
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "triage_heldout_v7_a2.jsonl")
EXPECTED = {"emergency": 20, "urgent": 18, "routine": 14, "self_care": 18}
ALLOWED_COND = {"hypertension", "diabetes", "pregnancy", "atrial fibrillation", "copd",
                "asthma", "anticoagulant", "heart disease"}

E, U, R, S = "emergency", "urgent", "routine", "self_care"

CASES = [
    # ---------------- emergency (20) ----------------
    ("医生你好，我在深圳打工，刚刚和我妈开视频，觉得她说话有点大舌头，嘴巴也往右边扯起，喝水从嘴角漏出来。中午吃饭都还好好的。她说是打麻将坐久了没得啥子，我爸也说让她躺一哈就好。她70了，有高血压。这种要紧不嘛？",
     E, 70, "F", ["hypertension"],
     "Sudden facial droop + slurred speech since midday = 中风120/BE-FAST; acute stroke consensus Ⅱ级 → 120 now"),
    ("我屋里爹爹今早起来突然讲看东西有两个影子，走路往左边偏，要扶到墙才走得动，冇得头痛，血压150/90。他讲是冇睡好，要我莫大惊小怪咯",
     E, None, "M", None,
     "Sudden diplopia + gait imbalance = BE-FAST (Balance, Eyes) posterior-circulation stroke; consensus Ⅱ级"),
    ("我阿妈62岁有糖尿病，今朝话心口下面好唔舒服，似胃痛咁，出晒冷汗又想呕，已经成个钟都未好，食咗胃药冇用。佢话唔使睇医生，系咪胃炎嚟㗎？",
     E, 62, "F", ["diabetes"],
     "Atypical ACS in a diabetic woman: epigastric discomfort >15 min with sweating and nausea (胸痛共识 red flags); Ⅱ级"),
    ("阿拉老头子高血压好多年了，刚刚搬米的辰光突然背脊骨这里像撕开一样痛，一直痛到后腰，一身冷汗，量血压196/110，侬讲要紧伐",
     E, None, "M", ["hypertension"],
     "Sudden tearing back pain with marked BP rise = suspected aortic dissection; 基层高血压急诊转诊 item 3, BP-E1; Ⅱ级"),
    ("我坐了三十多个钟头火车回老家 下车左边小腿就肿起来有点痛 今天早上突然喘不上起 吸气胸口扎起痛 心跳好快 我才35岁应该不是心脏病吧",
     E, 35, None, None,
     "Sudden dyspnoea + pleuritic chest pain + tachycardia after prolonged immobility with unilateral calf swelling = suspected PE; Ⅱ级"),
    ("阮阿公中午食了海蛎煎，半点钟后全身起红块块，嘴唇肿起来，讲喉咙紧紧、声音沙沙的，伊讲吃一粒过敏药就好，按怎？",
     E, None, "M", None,
     "Urticaria + lip swelling + throat tightness/hoarseness after food = anaphylaxis with airway involvement (WAO); 120, adrenaline"),
    ("邻居家嬢嬢跟她男人吵架 喝了小半瓶敌敌畏 现在人还清醒的 会讲话 就是吐了两回 身上一股农药味 她不肯去医院 我们咋个整",
     E, None, "F", None,
     "Deliberate organophosphate (敌敌畏) ingestion = poisoning, consensus Ⅱ级 + self-harm; 急性中毒诊治专家共识 → 120 even if alert"),
    ("昨天晚上家头炒了一盘山上捡的菌子，里头有几朵白生生的，今天中午开始我和老公都又吐又拉，拉了七八回，这哈感觉好点了，是不是没得事了嘛",
     E, None, None, None,
     "Delayed-onset (>6 h) GI symptoms after wild white mushrooms = suspected amatoxin poisoning; apparent improvement is the latent phase; poisoning Ⅱ级"),
    ("我老公晚上喝了一斤多白酒 又吃了好几颗安眠要 现在打呼噜叫不醒 掐他只哼一下 明天早上会不会自己醒 急急急",
     E, None, "M", None,
     "Alcohol + sedative overdose with depressed consciousness (responds only to pain) = consensus Ⅰ级 (acute overdose, GCS <9)"),
    ("屋里冷，昨晚关起门窗烧哒一盆炭火，今早起来我妈和我崽都脑壳痛、想呕，我崽迷迷糊糊喊不太应，我自己也晕乎乎，是不是一屋人都感冒哒？",
     E, None, None, None,
     "Clustered headache/vomiting/drowsiness after charcoal burning in a closed room = CO poisoning; toxic exposure Ⅱ级 with altered consciousness"),
    ("医生打扰了，想问下我爸吃药的事。他75岁，冠心病放了支架，一直吃阿司匹林和氯吡格雷，最近膝盖痛又自己买了布洛芬吃了一个礼拜。这两天大便黑的像柏油一样，今天早上上厕所站起来眼前一黑差点倒，现在躺着说没力气。我就想问布洛芬还能不能继续吃，阿司匹林要不要停几天？",
     E, 75, "M", ["heart disease"],
     "Tarry melaena + presyncope on dual antiplatelets + NSAID = active upper GI bleeding; triage_criteria 5.6 bleeding → 120, Ⅱ级"),
    ("我爸糖尿病打胰岛素的，刚刚吃饭前开始讲胡话，满头大汗手发抖，叫他名字反应好慢，测了血糖2.6，喂糖水他含在嘴里不太会吞",
     E, None, "M", ["diabetes"],
     "BG 2.6 (<3.33 = consensus Ⅰ级) with confusion and unsafe swallow = level-3 hypoglycaemia; G-E1 → 120, nothing by mouth"),
    ("BB啱啱七个星期大，今晚摸落好热，探热38.3度，食奶仲得，冇乜咳，系咪等听朝先去睇？",
     E, 0, None, None,
     "Infant <3 months with T ≥38 °C = NICE NG143 red (high risk) → emergency department now, do not wait till morning"),
    ("怀孕33周了，这两天脚肿得厉害，今天下午头痛得很，眼睛前面一闪一闪的看不清，自己在家量血压162/112。产检约的是下周三，等得到不？",
     E, None, "F", ["pregnancy"],
     "Pregnancy BP ≥160/110 with headache and visual disturbance = severe pre-eclampsia (NICE NG133/RCOG); BP-E1 → 120"),
    ("娃儿两岁多 刚才玩遥空器 后盖开了 里头那种圆的扣子电池少了一颗 地上到处找不到 娃现在好好的在耍 没咳没吐 会不会是他吞了 吞了能自己拉出来不",
     E, 2, None, None,
     "Suspected button-battery ingestion in a toddler: oesophageal burn within 2 h even if asymptomatic → immediate ED X-ray; ingestion/poisoning Ⅱ级"),
    ("你好 想咨询下 家里有一瓶奶奶剩下的安眠药 大概三十几颗 一次全吃了会不会很痛苦 反正我也不想活了 这几天一直在想这个事",
     E, None, None, None,
     "Suicidal intent with a plan and means at hand = active self-harm risk (consensus Ⅰ级 behavioural disturbance) → crisis/120 now"),
    ("老伴82了，房颤吃华法林，下午在院子里滑了一跤后脑勺着地，当时说没事，到晚饭吐了两回，现在老想睡，喊得醒，就是说话有点慢。需要今晚去医院还是明天去？",
     E, 82, None, ["atrial fibrillation", "anticoagulant"],
     "Head injury on warfarin with repeated vomiting, drowsiness and slowed speech = suspected intracranial bleed (NICE NG232) → 120 tonight"),
    ("我家小儿子14岁 半夜疼醒 说下面蛋蛋那里突然疼得很 左边那个肿起来了 还吐了一回 娃娃害羞不好意思讲 等天亮去卫生院得不得行",
     E, 14, "M", None,
     "Sudden testicular pain with swelling and vomiting in an adolescent = suspected torsion (consensus Ⅱ级); salvage window ~6 h"),
    ("工地上一个老乡下午在大太阳底下扎钢筋 刚才突然倒了 扶起来乱说话认不的人 身上烫得很 摸起干干的没得汗 给他喝了藿香正气水 放到阴凉处了 还要咋弄",
     E, None, None, None,
     "Collapse + confusion + hot dry skin after heat exertion = heat stroke; acute impaired consciousness → 120 with active cooling"),
    ("奶奶86了，这两天尿频尿痛，今天发烧39度多，下午突然糊里糊涂认不得我们了，手脚冰凉，血压量了两回都是82/50，她平时血压都140多的",
     E, 86, "F", None,
     "UTI + fever + new confusion + SBP 82 (acute fall >30 mmHg) with cold peripheries = suspected septic shock; consensus Ⅰ/Ⅱ级"),

    # ---------------- urgent (18) ----------------
    ("我老豆有高血压，今朝量186/112，隔十分钟再量183/110，佢话冇头痛冇头晕，乜都正常，降压药有食。使唔使今日去睇？",
     U, None, "M", ["hypertension"],
     "Confirmed ≥180/110 without symptoms = BP-U1 (规范 紧急转诊, same-day contact); consensus SBP 180–200 Ⅲ级"),
    ("我糖尿病十多年了，这两天喉咙有点痛，血糖蹿起来了，早上测18.6，晚上又是17.9，人倒是莫得啥子不舒服，不吐不肚子痛，二甲双胍照常吃的",
     U, None, None, ["diabetes"],
     "Two readings ≥16.7 in 24 h without DKA symptoms, during intercurrent illness = G-U2 → same-day doctor, ketone check"),
    ("我怀孕28周，今朝屋里向量血压145/95，歇了一歇再量还是142/93，头勿痛，眼睛也清爽，脚也勿肿，要紧伐？",
     U, None, "F", ["pregnancy"],
     "Pregnant with confirmed BP ≥140/90, no severe features = BP-U1 → same-day assessment (NICE NG133)"),
    ("我妈吃抗凝药利伐沙班的，早上在厕所碰到额头，起了个包，没晕过去，没吐，说话走路都正常，就是有点痛，用不用去拍个CT",
     U, None, "F", ["anticoagulant"],
     "Head injury on an anticoagulant without neuro symptoms → same-day hospital CT (triage_criteria 5.6; NICE NG232 within 8 h)"),
    ("阮阿嬷今年78岁，早上开始讲腹肚闷闷痛，痛到现在半天了，没吐，有放屁，没发烧，伊讲是吃坏去，可以等明天再看吗",
     U, 78, "F", None,
     "Any abdominal pain at age >65 without high-risk features = consensus Ⅲ级 → same-day hospital"),
    ("崽崽一岁半 从早上到现在吐了七八次 喝口水都吐 尿不湿大半天都是干的 精神还可以 哭有眼泪",
     U, 1, None, None,
     "Persistent vomiting with reduced urine output in a toddler = consensus Ⅲ级 (persistent vomiting/dehydration); alert, so not shock"),
    ("我有哮喘，今天降温又发作了，喷了两次万托林能缓一哈，过个把钟头又紧起来，说话还能说整句，血氧95，心跳105",
     U, None, None, ["asthma"],
     "Acute asthma with stable vitals (SpO2 95, full sentences) but short reliever effect = consensus Ⅲ级 → same-day review (GINA)"),
    ("俺爸慢阻肺，这三天咳嗽加重，痰多了变黄绿色，走路比平时喘，坐着不喘，血氧仪94到95，没发烧，能吃能睡",
     U, None, "M", ["copd"],
     "COPD exacerbation (more purulent sputum, dyspnoea) with SpO2 ≥94 and no distress → family doctor within 24 h (triage_criteria 5.6)"),
    ("我糖尿病，右脚大脚趾旁边磨了个泡破了，一个礼拜没好，现在周围红肿发烫，红的范围比昨天大，有点流黄水，不烧",
     U, None, None, ["diabetes"],
     "Diabetic foot ulcer with spreading cellulitis = diabetic-foot red flag → urgent referral (国家基层糖尿病防治管理指南)"),
    ("宝宝4个月大，今天发烧到39.2度，有点流鼻涕，吃奶少了一点，精神还行，能先在家观察吗",
     U, 0, None, None,
     "Age 3–6 months with T ≥39 °C = NICE NG143 amber → same-day face-to-face assessment"),
    ("小腿被锄头挂了一下 两天了 现在红了一大片 又热又痛 今天有点发烧37.8 走路还行",
     U, None, None, None,
     "Spreading cellulitis after a wound with low fever, no sepsis signs → same-day antibiotics (NICE NG141)"),
    ("昨天开始尿尿又急又痛，今天左边腰也痛了，发烧38.6，一阵阵发冷打摆子，东西还吃得下",
     U, None, None, None,
     "Dysuria + loin pain + fever/rigors = suspected acute pyelonephritis → same-day assessment (NICE NG111); no shock features"),
    ("我妈73岁，额头右边长了一串水泡，痛得像针扎，快长到眼皮上了，眼睛也有点红",
     U, 73, "F", None,
     "Forehead zoster reaching the eyelid with red eye = herpes zoster ophthalmicus → same-day antiviral + eye assessment (NICE CKS)"),
    ("娃3岁 打翻了开水壶 烫到手背和手腕 起了好几个大水泡 差不多他巴掌那么大 冲了凉水 现在还在哭😭",
     U, 3, None, None,
     "Partial-thickness scald ~1% TBSA on a child's hand (special area) → same-day burns assessment; not extensive, no airway"),
    ("骑电动车摔了 左手腕撑地 肿了 一动就痛 手指能动 形状没歪",
     U, None, None, None,
     "FOOSH wrist injury with swelling and pain, no deformity = possible distal radius/scaphoid fracture → same-day X-ray (consensus Ⅲ–Ⅳ)"),
    ("被野狗咬出血了",
     U, None, None, None,
     "Bleeding bite from a stray dog = rabies exposure category Ⅲ → same-day wound care, vaccine + RIG (狂犬病暴露预防处置工作规范)"),
    ("我有房颤，吃着倍他乐克，今天一直心慌，电子血压计显示心率125左右，量了几次都一百二十几，血压130/80，没有胸痛也不喘",
     U, None, None, ["atrial fibrillation"],
     "Persistent HR 100–150 with stable BP, no chest pain or dyspnoea = consensus Ⅲ级 → same-day hospital (AF rate control)"),
    ("老妈上礼拜新加了一种降压药，这两天一站起来就头晕眼花，今天量了88/56，坐着还好",
     U, None, "F", None,
     "SBP <90 with postural dizziness after a new antihypertensive = BP-L1 → same-day family doctor contact"),

    # ---------------- routine (14) ----------------
    ("医生，阿拉姆妈65岁，高血压吃缬沙坦一年多了，这个礼拜早夜都量，平均下来差不多148/92，人倒没啥不适宜，要换药伐？",
     R, 65, "F", ["hypertension"],
     "Weekly home mean ≥135/85 on treatment, no symptoms = BP-T1 → family-doctor review within 2 weeks"),
    ("糖尿病人，这个礼拜早上空腹测了五回 7.8 8.2 7.6 8.5 8.0，二甲双胍一天两回没断过，莫得其他不舒服，是不是要加药喃",
     R, None, None, ["diabetes"],
     "7-day fasting mean ≥7.0 without symptoms = G-T1 → adjust treatment, revisit within 2 weeks"),
    ("我吃氨氯地平半年哒，最近两只脚踝夜里有点肿，早上起来就消哒，不痛，不喘，睡觉平躺冇问题，是不是药的副作用咯",
     R, None, None, None,
     "Amlodipine ankle oedema without dyspnoea/orthopnoea = drug adverse reaction → review within 2 weeks (规范 §1.6)"),
    ("吃了培哚普利两个月，一直干咳，嗓子痒，不发烧，没痰，晚上咳得睡不好",
     R, None, None, None,
     "ACE-inhibitor dry cough, no fever or dyspnoea → medicine review/switch to ARB within days (规范 adverse reaction)"),
    ("我阿妈今年61，收咗经十几年，呢个月底裤见咗两次少少血，唔痛唔痕，佢唔好意思去睇，点算好",
     R, 61, "F", None,
     "Postmenopausal bleeding = suspected-cancer sign → referral within 2 weeks (NICE NG12); not acute"),
    ("我58岁，这两个月大便变得稀稀的，一天三四回，有时又拉不出，人瘦了七八斤，没见血，肚子不痛",
     R, 58, None, None,
     "Change in bowel habit + weight loss at ≥50 = colorectal cancer 2-week-wait referral (NICE NG12); no acute features"),
    ("洗澡时摸到左边乳房有个花生米大的硬疙瘩，不痛，有半个月了，我今年45",
     R, 45, "F", None,
     "Unexplained painless breast lump at ≥30 → suspected-cancer referral within 2 weeks (NICE NG12)"),
    ("声音哑了一个多月 一直没好 不痛 抽烟二十多年了 在厂里上班走不开 能等过年回去再看吗",
     R, None, None, None,
     "Hoarseness >3 weeks in a smoker → ENT/laryngoscopy referral within 2 weeks (NICE NG12); should not wait months, but not same-day"),
    ("膝盖痛了大半年了 上下楼梯痛 蹲不下去 不红不肿 膏药贴了作用不大",
     R, None, None, None,
     "Chronic mechanical knee pain, no hot swollen joint = known chronic symptom (consensus Ⅳ 非急症) → routine review"),
    ("王医生您好，我是村东头李大爷的女儿，在东莞上班回不去。我爸的降压药和降糖药下个礼拜就吃完了，他自己每天早上量的血压都在130/80上下，空腹血糖六点几，人也精神。能不能麻烦您帮忙再开一个月的，我让我弟下周去拿，谢谢您了🙏",
     R, None, "M", None,
     "Stable follow-up, prescription renewal only (consensus Ⅳ 非急症; 规范 控制满意)"),
    ("糖尿病八年了，最近几个月两只脚底板麻麻的，像隔了层棉花，晚上有时候刺痛，脚上没有伤口",
     R, None, None, ["diabetes"],
     "Gradual diabetic peripheral neuropathy, no ulcer or ischaemia → chronic-complication review (规范 §2.5), not urgent"),
    ("二甲双胍吃了两个礼拜了，肚子老是胀，拉稀一天两回，饭还吃得下，人没得啥子，是不是要换药哦",
     R, None, None, None,
     "Metformin GI intolerance without dehydration = adverse reaction → dose/formulation review within 2 weeks"),
    ("烧心反酸一个多月了 吃完饭就往上冒 躺下更明显 吃饭不噎 没瘦 也没黑便 我42",
     R, 42, None, None,
     "Reflux symptoms at <55 without alarm features (NICE CG184) → routine management with family doctor"),
    ("单位体检空腹血糖6.9，糖化6.6%，以前没查过，不口渴不多尿，我是不是得糖尿病了",
     R, None, None, None,
     "Screening-positive glucose/HbA1c, asymptomatic → confirmatory testing within 2 weeks (规范 §3.1)"),

    # ---------------- self_care (18) ----------------
    ("医生，我今朝量血压128/78，上个礼拜有一趟135，阿会得高血压啊？头也勿晕",
     S, None, None, None,
     "Normal home BP (<135/85), single borderline reading, no symptoms → reassurance and routine monitoring"),
    ("我吃二甲双胍的 今早空腹5.6 是不是太低了哦 会不会低血糖 心慌手抖都莫得",
     S, None, None, None,
     "Fasting 5.6 is within the 4.4–7.0 target (CDS 2020); metformin alone rarely causes hypoglycaemia"),
    ("头先去厕所屙尿，成个马桶红晒！吓到我手都震😱 谂住系咪肾出咗事，后尾先记得琴晚食咗两个红心火龙果，今朝早餐又食咗半个。而家唔痛唔烧，屙尿唔赤唔急，精神都几好。系唔系火龙果搞鬼？使唔使去验尿？",
     S, None, None, None,
     "Red urine after red-flesh dragon fruit (betacyanin pigmenturia), no pain, fever or urinary symptoms → reassure, recheck if it persists"),
    ("我贫血，医生开了硫酸亚铁，吃了三天，屙的粑粑黑黑的，是成形的，不稀也不粘，人冇得头晕，精神蛮好，肚子也不痛，要不要紧",
     S, None, None, None,
     "Dark formed stool explained by oral iron, no dizziness, pain or tarry stool = no features of GI bleeding"),
    ("阮囝2岁，刚刚咬破鞋盒里的干燥剂小包，上面写silica gel，透明的小珠仔，吃了几粒，现在没咳没吐，照样在耍",
     S, 2, None, None,
     "Silica-gel desiccant is non-toxic (poison-centre advice); asymptomatic child → water and observe"),
    ("小娃6岁 抠鼻子流鼻血了 捏到鼻子压了五分钟就停了 以前从来没有过 要去医院不",
     S, 6, None, None,
     "First anterior epistaxis from nose-picking, stopped with pressure → home care (NICE CKS epistaxis)"),
    ("在厂里打工 前天开始鼻塞流鼻涕嗓子痛 今天37.6 还能上班 不想请假 吃点啥药好",
     S, None, None, None,
     "Uncomplicated upper respiratory infection with low-grade fever → self-care (NICE CKS)"),
    ("娃儿两岁半 今天下午开始发烧38.5 喂了美林退到37.8 现在在沙发上跳来跳去要吃饼干 水也喝得多 尿也正常 晚上还要注意啥子",
     S, 2, None, None,
     "Febrile child >6 months, active, well hydrated, day 1 = NICE NG143 green → home care with safety-net advice"),
    ("降压药忘吃了咋办",
     S, None, None, None,
     "Missed single antihypertensive dose, no symptoms → medicine advice only"),
    ("听人说二甲双胍伤肾，我吃了五年了，去年查肾功能正常，要不要停了换中药",
     S, None, None, None,
     "Anxious medicine question with reassuring answer: metformin is not nephrotoxic with normal renal function; do not stop"),
    ("娃娃腿上被蚊子咬了 肿起一大坨 比硬币还大 痒得很 不发烧",
     S, None, None, None,
     "Large local reaction to an insect bite without systemic features → cold compress/antihistamine"),
    ("打嗝一个钟头了停不下来",
     S, None, None, None,
     "Hiccups lasting <48 h are benign → home measures"),
    ("切菜切到手指头 口子不深 压了一下血就止住了 贴了创可贴 要打破伤风不",
     S, None, None, None,
     "Minor clean kitchen-knife cut with bleeding controlled (consensus Ⅳ minor wound) → home wound care; not tetanus-prone"),
    ("今天拉了三会肚子，稀的，没血，不发烧，能喝水，昨晚吃了路边烧烤",
     S, None, None, None,
     "Mild acute diarrhoea without blood, fever or dehydration → oral fluids at home"),
    ("宝宝两个月，每次吃完奶都会吐一点出来，不是喷的，体重长得挺好，吃完还冲我笑，正常吗",
     S, 0, None, None,
     "Effortless regurgitation in a thriving infant = physiological reflux (NICE NG1) → reassurance"),
    ("今朝起身照镜，眼白有一大忽红晒，好似出血咁，唔痛，睇嘢好清楚，琴日咳得好犀利",
     S, None, None, None,
     "Painless subconjunctival haemorrhage after coughing with normal vision → resolves on its own"),
    ("我35岁女的，量血压105/65，是不是偏低，没有头晕没有不舒服",
     S, 35, "F", None,
     "Normal asymptomatic BP in a young woman → reassurance"),
    ("宝宝7个月，今天上午打了疫苗，晚上有点低烧37.8，打针的地方有点红，精神好，吃奶正常",
     S, 0, None, None,
     "Expected post-vaccination low fever and local redness within 48 h in a well infant → home care"),
]


def main():
    # --- checks before writing ---
    assert len(CASES) == sum(EXPECTED.values()) == 70, len(CASES)
    counts = Counter(c[1] for c in CASES)
    assert dict(counts) == EXPECTED, counts
    texts = [c[0] for c in CASES]
    assert len(set(texts)) == len(texts), "duplicate texts"
    for text, level, age, sex, cond, why in CASES:
        assert level in EXPECTED
        assert age is None or (isinstance(age, int) and 0 <= age <= 120)
        assert sex in (None, "M", "F")
        assert cond is None or (cond and set(cond) <= ALLOWED_COND), cond
        assert why and "\n" not in why

    cases = list(CASES)
    random.Random(SEED).shuffle(cases)
    rows = []
    for i, (text, level, age, sex, cond, why) in enumerate(cases):
        row = {"id": f"h7-{FIRST_ID + i:03d}", "set": SET, "text": text, "level": level}
        if age is not None:
            row["age"] = age
        if sex is not None:
            row["sex"] = sex
        if cond:
            row["conditions"] = cond
        row["why"] = why
        rows.append(row)

    with open(OUT, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")

    # --- checks after writing ---
    with open(OUT, encoding="utf-8") as f:
        back = [json.loads(line) for line in f]
    assert [r["id"] for r in back] == [f"h7-{n:03d}" for n in range(71, 141)]
    c2 = Counter(r["level"] for r in back)
    assert dict(c2) == EXPECTED
    lens = sorted(len(r["text"]) for r in back)
    print(f"wrote {len(back)} cases to {OUT}")
    print("ids:", back[0]["id"], "...", back[-1]["id"])
    print("set × level:", SET, {k: c2[k] for k in EXPECTED})
    print("text length min/median/max:", lens[0], lens[len(lens) // 2], lens[-1],
          "| <=10:", sum(l <= 10 for l in lens), "| 11-80:", sum(10 < l <= 80 for l in lens),
          "| >80:", sum(l > 80 for l in lens), "| >=100:", sum(l >= 100 for l in lens))


if __name__ == "__main__":
    main()
