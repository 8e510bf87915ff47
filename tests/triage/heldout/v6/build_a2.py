# -*- coding: utf-8 -*-
"""Held-out set v6 part A2: 70 hand-written colloquial WeChat triage cases.
Every case written by hand; ids assigned after a fixed-seed shuffle."""
import json, random, collections, os

SEED = 6626
SET = "colloquial"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "triage_heldout_v6_a2.jsonl")
E, U, R, S = "emergency", "urgent", "routine", "self_care"

# (text, level, age, sex, conditions, why)
CASES = [
    # ---------------- EMERGENCY (20) ----------------
    ("我阿爷今朝饮粥成日由嘴角漏出嚟，同佢倾偈讲嘢又含含糊糊，佢自己话冇事想返床瞓阵，大概8点开始嘅，等佢瞓醒再睇得唔得？",
     E, None, "M", None,
     "Sudden mouth droop + slurred speech = 中风120 '1看/0听'; acute stroke 共识Ⅱ级, onset known, 120 now"),
    ("我老汉儿刚刚吃午饭筷子都捏不住 落了两回 右手抬起来又往下掉 他说是昨晚落枕了 喊我莫大惊小怪 是不是落枕嘛",
     E, None, "M", None,
     "Sudden one-sided arm weakness (中风120 '2查', BE-FAST A); acute stroke 共识Ⅱ级"),
    ("娭毑有糖尿病十几年了，今天下午四点多讲心口那块闷闷的，像胃里不舒服，出了一身冷汗，吃了吗丁啉躺着也冇好，到现在快个把钟头了，是不是胃病又犯了咯",
     E, None, "F", ["diabetes"],
     "Atypical ACS in elderly diabetic: epigastric/chest discomfort + sweating >15 min unrelieved; cardiac-type chest pain 共识Ⅱ级"),
    ("工地上有个老乡 搬钢筋的时候突然喊胸口痛 说像刀割一样一直撕到后背去 脸都白了 他有高血压一直没吃药 我们拿医务室的血压计量了一下 左手190多 右手才150 现在坐在那不敢动 要不要送镇上卫生院",
     E, None, "M", ["hypertension"],
     "Sudden tearing chest→back pain, arm SBP difference >20, untreated HTN: suspected aortic dissection 共识Ⅱ级; 基层高血压急诊转诊 #3"),
    ("剖腹产第九天 刚刚从厕所出来突然就喘不上气 心跳咚咚咚好快 左边小腿这两天本来就有点胀痛我以为是坐月子躺多了 现在坐着歇了还是喘 要紧不",
     E, None, "F", None,
     "Postpartum sudden dyspnoea + tachycardia + unilateral calf pain: suspected PE 共识Ⅱ级 (急性胸痛共识 high-risk cause)"),
    ("阿爸在后山摘茶分黄蜂叮到手背，转来屋下冇几久就一身起红块，痒到死，佢话胸口闷闷，讲话声音沙沙，面都肿起来了，好似冇咁紧要？",
     E, None, "M", None,
     "Sting then generalised urticaria + voice change + chest tightness: anaphylaxis (WAO 2020), 基层转诊 'sudden severe generalised allergic reaction'; 共识Ⅰ/Ⅱ"),
    ("阿拉表妹刚刚搭伊姆妈吵相骂，一板安眠药侪吃脱了，唑吡坦，大概十来粒，现在困在床上，叫伊还会嗯一声，应该困一觉就好了吧？",
     E, None, "F", None,
     "Intentional overdose (~10 zolpidem) with reduced responsiveness: acute drug overdose + self-harm 共识Ⅰ级"),
    ("我爹上午去田里打农药 回来讲头晕 一直流口水 一身汗湿透了 眼睛看东西蒙蒙的 还拉了两次肚子 衣服上一股好冲的农药气 他讲歇下就好",
     E, None, "M", None,
     "Cholinergic syndrome after spraying (salivation, sweating, blurred vision, diarrhoea): organophosphate poisoning, toxic exposure 共识Ⅱ级 / 急性中毒诊治共识"),
    ("师傅你好我们宿舍昨晚冷关着窗烧了一盆木炭早上起来我头痛想吐另外两个室友喊了好久才醒过来迷迷糊糊的站都站不稳是不是一起感冒了",
     E, None, None, None,
     "Charcoal in closed room, several people with headache, vomiting and impaired consciousness: CO poisoning, toxic exposure + altered consciousness 共识Ⅱ级"),
    ("老豆今朝去咗三次厕所，啲屎黑到发亮，好似沥青咁，仲好臭，企起身就话头晕眼花要扶住墙，佢平时有食阿司匹林，系咪食错嘢啫？",
     E, None, "M", None,
     "Melaena with postural dizziness on aspirin: active upper GI bleed 共识Ⅱ级 (clinical rules 5.6 bleeding → 120)"),
    ("阿拉爷叔打胰岛素个，今朝早饭没吃，刚刚讲闲话颠三倒四，一头冷汗，手抖，叫伊吃糖伊勿肯吃还推开，测了一记血糖2.6",
     E, None, "M", ["diabetes"],
     "BG 2.6 (<3.33) with confusion, cannot self-treat: level-3 hypoglycaemia, 共识Ⅰ级 / G-E1 → 120"),
    ("宝宝出生才50天 今晚摸着额头烫烫的 腋下量了38.2 奶也吃了一点 就是没平时精神 老家奶奶说贴个退热贴明天再说 可以不",
     E, 0, None, None,
     "Fever ≥38 °C in infant <3 months = NICE NG143 red feature → immediate emergency assessment"),
    ("怀起32周了 今天一起床脑壳就痛得很 眼睛花 眼前头有些亮点点在闪 自己量了下血压158/108 脚肿了好几天了 我妈说怀娃儿都这样",
     E, None, "F", ["pregnancy"],
     "32 weeks, BP 158/108 + severe headache + visual disturbance: pre-eclampsia with severe features (NICE NG133), 规范 pregnancy danger sign + BP-E1"),
    ("阮囝仔两岁 刚才在土脚玩遥控器 里面彼粒圆圆的纽扣电池揣无去了 阿嬷讲有看到伊塞入去喙里 这马伊还在耍 无哭无吐 敢需要紧张？",
     E, 2, None, None,
     "Witnessed button-battery ingestion in toddler, even asymptomatic: oesophageal burn within 2 h → emergency X-ray/removal; toxic/foreign-body 共识Ⅱ级"),
    ("医生你好 我在东莞上班 我妈一个人在老家 去年我爸走了以后她觉一直睡不好 饭也吃得少 上次你们来随访说血压还可以 今天打电话给她 她跟我讲存折放在衣柜第二格 密码是我生日 说以后不用再给她寄钱了 还说敌敌畏已经买好放在柴房里了 讲完就挂了 再打不接 她应该就是心情不好吧 想请你们有空去看看她",
     E, None, "F", None,
     "Finality statements + stated plan with means (pesticide bought), now unreachable: active suicide risk 共识Ⅰ级 → 120/110 and immediate visit"),
    ("阿婆食华法林个，昨暗晡起身去屎缸跌倒，头那撞到门，今朝一直喊头那痛，吐了两摆，人就想睡，喊佢正应一声。",
     E, None, "F", ["anticoagulant"],
     "Head injury on warfarin with vomiting ×2 and drowsiness: suspected intracranial bleed (NICE CG176), stupor/drowsy 共识Ⅱ级"),
    ("室友昨天开始发烧 今天39度多 头痛得抱着头 脖子硬邦邦的 下巴碰不到胸口 还怕光 刚才看他腿上有几个紫红色的小点 拿杯子压了也不褪 我们给他吃了布洛芬 还要观察吗",
     E, None, None, None,
     "Fever + neck stiffness + photophobia + non-blanching petechiae: meningococcal disease (NICE NG240), suspected sepsis 共识Ⅱ级"),
    ("细佬17岁，一型糖尿病打开针，琴日开始肚痛又呕，食唔落嘢，佢话冇食嘢就冇打胰岛素，今日血糖机显示HI，呼吸又深又急，口气有阵烂苹果味。",
     E, 17, "M", ["diabetes"],
     "T1DM, insulin omitted, BG 'HI', vomiting, abdominal pain, Kussmaul breathing, acetone breath: DKA → G-E2 / 高血糖危象指南"),
    ("崽13岁，半夜痛醒了，讲右边蛋蛋痛得要死，肿起来了，还吐了一次，以前冇得过这样，是不是踢球撞到了，等天亮去看要得不",
     E, 13, "M", None,
     "Sudden severe testicular pain with vomiting in adolescent: suspected torsion 共识Ⅱ级, surgery within 6 h"),
    ("我个月经推迟咗差唔多两个礼拜，今晚左边下面个肚好痛，去厕所嗰阵晕咗一下，醒返觉得膊头都痛，有少少咖啡色分泌，屋企人话可能系来月经痛",
     E, None, "F", None,
     "Missed period + unilateral lower abdominal pain + syncope + shoulder-tip pain: suspected ruptured ectopic pregnancy 共识Ⅱ级"),

    # ---------------- URGENT (17) ----------------
    ("阿爸高血压，今朝量血压，歇了一刻钟又量，三遍都是一百八十五、一百一十二上下，头勿痛，勿吐，讲话走路都好好个，降压药昨日忘记吃了",
     U, None, "M", ["hypertension"],
     "Confirmed ≥180/110 without symptoms: BP-U1 (规范 紧急转诊, same-day contact); SBP 180–200 = 共识Ⅲ"),
    ("我而家28周，今日喺屋企量咗两次血压都系146/94左右，冇头痛冇眼花，脚都唔肿，使唔使等下个礼拜产检先讲？",
     U, None, "F", ["pregnancy"],
     "Pregnant with BP ≥140/90 and no symptoms: BP-U1 / NICE NG133 same-day assessment, not next week"),
    ("我妈有糖尿病 今天早上空腹测了18.6 中午饭后又测了19.2 她说啥子感觉都莫得 没吐 肚子也不痛 二甲双胍一直在吃的 要不要紧",
     U, None, "F", ["diabetes"],
     "Two readings ≥16.7 in 24 h without danger symptoms: G-U2 same-day family-doctor contact + ketone check"),
    ("孩子三岁从早上到现在吐了七八次了喝口水也吐尿也少了一上午就尿了一次嘴巴干干的不过还会跟我说话也没发烧",
     U, 3, None, None,
     "Persistent vomiting with early dehydration (oliguria, dry mouth), alert child: 共识Ⅲ persistent vomiting/dehydration; NICE CG84 same-day assessment"),
    ("阿公72岁，从早起肚子就隐隐仔痛，不是很厉害，没吐没发烧，大便昨日有放，伊讲揉揉就好，要不要带去看",
     U, 72, "M", None,
     "Abdominal pain at age >65 without high-risk features = 共识Ⅲ级 (same-day)"),
    ("阮阿母食利伐沙班，今早浴间滑倒，头壳撞着墙，起一粒包，无晕去，无吐，讲话清楚，伊讲免去医院",
     U, None, "F", ["anticoagulant"],
     "Anticoagulated patient with head injury, no red flags: same-day CT (clinical rules 5.6; NICE CG176)"),
    ("我爷爷有糖尿病，左脚大脚趾旁边前几天磨了个泡，现在破了烂了一个洞，周围红了一大块，比昨天红得更开，他脚冇得么子感觉也不觉得痛",
     U, None, "M", ["diabetes"],
     "Diabetic foot: new ulcer with spreading cellulitis → urgent referral (糖尿病转诊 diabetic-foot red flags; NICE NG19)"),
    ("囡囡有哮喘，今日降温又咳又喘，喷咗三次万托林，喷完好少少，过两个钟又喘返，讲嘢都讲得成句，唔使去医院嘛？",
     U, None, "F", ["asthma"],
     "Asthma flare needing salbutamol every 2 h, speaking in sentences: acute asthma, stable = 共识Ⅲ same-day review"),
    ("老头子慢阻肺，这两天痰多得来，黄颜色，走两步就喘，指夹氧饱和度92、93，坐下来歇歇倒还好，讲话也讲得清爽",
     U, None, "M", ["copd"],
     "COPD exacerbation with purulent sputum and SpO2 92–93: 共识Ⅲ (SpO2 90–94), same-day"),
    ("厂里上班的 前两天尿尿痛 以为上火多喝水 今天发烧38.8 右边腰后面痛 有点冷得发抖 没怀孕",
     U, None, "F", None,
     "Fever, rigors and flank pain after cystitis: acute pyelonephritis → same-day assessment (NICE NG111)"),
    ("4个月大的仔仔今天下午开始发烧 39.2 吃奶少了一点 还会笑 没有皮疹 手脚是暖的",
     U, 0, None, None,
     "Age 3–6 months with temperature ≥39 °C = NICE NG143 amber → same-day face-to-face assessment"),
    ("娃儿三岁 刚刚伸手去摸锅 手心手背烫起好大个水泡 差不多有我巴掌一半那么大 冲了凉水了 哭得好凶",
     U, 3, None, None,
     "Blistering (partial-thickness) burn to a child's hand: needs same-day assessment/burns referral (NICE CKS burns)"),
    ("医生我是在这边工地做事的湖南人，医保还在老家，想问下这边打针能不能报。事情是这样，今晚收工回来路边一只土狗冲出来咬了我小腿一口，咬破了皮出了点血，现在已经止住了，我按网上说的用肥皂水冲了十几分钟。狗跑了不晓得是谁家的，也不晓得打没打过疫苗。明天还要上班，能不能过几天休息再去",
     U, None, None, None,
     "WHO category III bite (broken skin), unknown dog: rabies PEP same day (狂犬病暴露预防处置工作规范)"),
    ("我有房颤 吃着达比加群 今天下午开始心慌 血压计显示心率一直128、131 歇了一个钟头也没降 胸口不痛 也不喘",
     U, None, None, ["atrial fibrillation", "anticoagulant"],
     "Persistent HR 100–150 in AF without chest pain/dyspnoea: 共识Ⅲ, same-day"),
    ("阿拉姆妈额角头左面起了一串水泡，痛得来，鼻头尖上也有两粒，左眼睛有点红，怕光",
     U, None, "F", None,
     "Herpes zoster ophthalmicus (nose-tip lesions, red photophobic eye): same-day ophthalmic assessment (NICE CKS shingles)"),
    ("今朝起身左边耳仔突然好似塞住咗，听唔清，仲有嗡嗡声，冇伤风冇耳痛，琴日仲好好地",
     U, None, None, None,
     "Sudden unilateral hearing loss <72 h without obvious cause: suspected SSNHL → same-day ENT (NICE CKS)"),
    ("怀孕9周 这三天吃啥吐啥 喝水都吐 今天一天就尿了一次 颜色好深 站起来头晕 体重掉了三斤",
     U, None, "F", ["pregnancy"],
     "Hyperemesis: cannot keep fluids down, oliguria, postural dizziness → same-day assessment (RCOG GTG69; 共识Ⅲ dehydration)"),

    # ---------------- ROUTINE (15) ----------------
    ("阿妈高血压食紧氨氯地平5mg，呢个礼拜朝早夜晚都有量，平均大概148/92，最高一次156，冇头晕头痛，人都几精神",
     R, None, "F", ["hypertension"],
     "Weekly home mean above target, no symptoms: BP-T1 → family-doctor review within 2 weeks"),
    ("阮翁有糖尿病，吃二甲双胍一日两粒，这礼拜空腹血糖测五遍，7.8、8.1、8.4、7.9、8.3，无啥物艰苦，敢着加药？",
     R, None, "M", ["diabetes"],
     "Fasting SMBG ≥7.0 on ≥3 days, no danger signs: G-T1 → adjust and revisit within 2 weeks"),
    ("降压药氨氯地平吃了两个月，两只脚踝到夜里就肿，按下去一个坑，早上起来又退了，不喘，夜里困得平",
     R, None, None, ["hypertension"],
     "Dihydropyridine ankle oedema without HF signs: drug adverse reaction (规范) → review within 2 weeks"),
    ("我高血压吃依那普利快两个月了，喉咙里老是痒，干咳，冇得痰，冇发烧，夜里咳得睡不着，是不是药的问题",
     R, None, None, ["hypertension"],
     "ACE-inhibitor dry cough: adverse reaction → medicine review within 2 weeks (规范 不良反应)"),
    ("颈子左边摸到个疙瘩 花生米大 不痛 有两三个礼拜了 没发烧没感冒 也没瘦 要去查下不",
     R, None, None, None,
     "Persistent painless neck lump ≥2–3 weeks, no acute features: assessment/referral within 2 weeks (NICE NG12)"),
    ("35岁，洗澡时摸到左边乳房有个硬硬的小块，不痛，推着不太动，没在喂奶，奶头也没流东西",
     R, 35, "F", None,
     "New breast lump age ≥30: suspected-cancer referral (NICE NG12 2-week pathway), no acute danger"),
    ("我五十八岁，绝经六七年了，这个礼拜内裤上有两回淡淡的血丝，不痛不痒，量不多，要紧伐",
     R, 58, "F", None,
     "Postmenopausal bleeding: gynaecology referral within 2 weeks (NICE NG12), not acute"),
    ("𠊎食烟三十年，声沙了一个多月，喉咙毋痛，食嘢吞得落，冇气紧",
     R, None, None, None,
     "Hoarseness >3 weeks in a long-term smoker: ENT/CXR referral within 2 weeks (NICE NG12)"),
    ("咳了差不多一个月了 白痰 没得血 不发烧 晚上也没出汗 工地上灰大 是不是要去拍个片",
     R, None, None, None,
     "Cough >3 weeks without haemoptysis/fever: CXR and TB screen (结核病筛查) within days; 共识Ⅳ"),
    ("膝盖痛了好几年了，这段时间下田上坡更痛些，冇红冇肿，走平路还行，膏药贴了冇得用",
     R, None, None, None,
     "Known chronic knee pain (likely OA), no hot swollen joint: 共识Ⅳ 非急症, FD review"),
    ("最近三个礼拜总是提不起劲 睡不好 早上四点就醒 干活也没意思 不会想不开的 就是想问问能不能开点药或者找人聊聊",
     R, None, None, None,
     "Depressive symptoms without self-harm thoughts: FD assessment within 2 weeks (NICE CG90); 共识Ⅳ"),
    ("仔仔七岁，夜晚仲系成日濑尿，一个礼拜有三四晚，日头就冇事，冇尿痛，饮水正常",
     R, 7, None, None,
     "Primary nocturnal enuresis at 7, no daytime or urinary symptoms: routine assessment (NICE CG111)"),
    ("医生我高血压的药厄贝沙坦还剩5天的量 这个月血压都在125到135之间 想约个时间来开药",
     R, None, None, ["hypertension"],
     "Stable controlled HTN, prescription only: 共识Ⅳ 非急症 / 规范 控制满意"),
    ("医生你好，我在杭州打工，一年回去一次。我爸今年70，这半年我妈打电话讲他老是忘事，刚吃过饭又问吃没吃，出门买菜忘了买啥，锅烧干了好几回，钥匙天天找。不过人是清醒的，认得人，走路说话都正常，血压也量过还好，是慢慢变成这样的不是突然。要不要带他去查一下是不是老年痴呆",
     R, 70, "M", None,
     "Gradual memory decline over months, no acute confusion: cognitive assessment within weeks (routine)"),
    ("手背上起了一片小疹子，痒，脱皮，三个星期了，药店买的药膏擦了不见好，不发烧",
     R, None, None, None,
     "Persistent mild rash unresponsive to OTC treatment, no systemic features: routine review; 共识Ⅳ"),

    # ---------------- SELF CARE (18) ----------------
    ("细路哥挖鼻孔流鼻血，我捏住鼻翼五分钟已经止咗，而家玩紧，之前冇试过",
     S, None, "M", None,
     "Anterior epistaxis stopped with pressure, well child: home care with advice"),
    ("宝宝一岁半 今早拉的粑粑红红的吓死我了！！昨天吃了好多红心火龙果 精神很好 能吃能玩😭",
     S, 1, None, None,
     "Red stool after red dragon fruit (betacyanin), well toddler: reassurance"),
    ("我吃降压药以后今天量了128/82，心跳72，是不是降得太低了，要不要减药咯",
     S, None, None, ["hypertension"],
     "On-treatment BP at target (<140/90), no symptoms: normal reading, continue; reassurance"),
    ("我糖尿病吃二甲双胍两年了，每礼拜测两三遍，空腹都是6点几，饭后两点钟8点多，人也无啥物艰苦。昨日隔壁阿婶讲这个药吃久了会伤腰子，伊小叔就是吃到洗肾，我听了惊死，暗暝都睏袂去。去年体检肾功能是正常的，尿蛋白也无。我敢要先停药？",
     S, None, None, ["diabetes"],
     "Controlled fasting BG, normal renal function: metformin safe (CDS 2020), do not stop; reassurance"),
    ("流鼻涕三天 37.5",
     S, None, None, None,
     "Uncomplicated URTI with low-grade temperature: self-care"),
    ("娃儿两岁 刚刚跑起撞到茶几角 额头起了个包 当时就哇哇哭了 哭完又去耍了 没吐 精神好得很",
     S, 2, None, None,
     "Minor head injury, cried immediately, no LOC/vomiting, normal behaviour: home observation (NICE CG176)"),
    ("小孩把零食袋里那包干燥剂咬破吃了几颗 透明的小珠子 袋子上写着SILICA GEL 硅胶 不可食用",
     S, None, None, None,
     "Silica-gel desiccant is non-toxic: home, watch advice (急性中毒诊治共识: non-toxic ingestion)"),
    ("下半天量体温37.3，早浪向36.8，人蛮好个，没咳嗽，是不是发烧了呀",
     S, None, None, None,
     "37.3 °C afternoon is normal diurnal variation, well: reassurance"),
    ("今朝照镜发现眼白有一块血红色，唔痛唔痒，睇嘢清清楚楚，琴晚咳得好劲，我冇食薄血药，血压都正常",
     S, None, None, None,
     "Painless subconjunctival haemorrhage after coughing, normal vision, not anticoagulated, normal BP: self-limiting (NICE CKS)"),
    ("他汀漏吃一次 要补吗",
     S, None, None, None,
     "Missed statin dose: take usual dose, no doubling; reassuring answer"),
    ("喂紧母乳，牙医开咗阿莫西林，食咗会唔会影响BB？",
     S, None, "F", None,
     "Amoxicillin compatible with breastfeeding: reassurance"),
    ("口腔溃疡好痛🤕",
     S, None, None, None,
     "Minor self-limiting mouth ulcer: self-care"),
    ("阮查某囝脚腿乎蠓仔叮着，肿一大块红红，真痒，无发烧，精神好",
     S, None, "F", None,
     "Local reaction to insect bites, no systemic signs: self-care"),
    ("打嗝打咗成个钟😩",
     S, None, None, None,
     "Hiccups <48 h, benign: self-care"),
    ("今天在厂里搬货闪了腰 腰痛弯不下去 腿不麻 大小便正常 能走路",
     S, None, None, None,
     "Acute mechanical low back pain without red flags (NICE NG59): self-care"),
    ("女宝出生第5天 尿布上有一点点血 像来月经那样 吃奶睡觉都好 是不是有什么病",
     S, 0, "F", None,
     "Neonatal withdrawal bleeding (pseudomenses) in a well newborn girl: normal, reassurance"),
    ("崽崽两岁半，昨晚开始发烧38.5，吃了美林退到37度多，现在在屋里跑来跑去，喝水尿尿都正常，冇得皮疹",
     S, 2, None, None,
     "Fever with NICE NG143 green features only (active, hydrated, no rash): home care with safety-net"),
    ("奶奶82岁，刚买了个指夹血氧仪，量来量去都是96、97，心率78，网上说要99才正常，是不是缺氧要吸氧",
     S, 82, "F", None,
     "SpO2 96–97 with normal HR is normal: reassurance"),
]

VALID_COND = {"hypertension", "diabetes", "pregnancy", "atrial fibrillation", "copd",
              "asthma", "anticoagulant", "heart disease"}
EXPECTED = {E: 20, U: 17, R: 15, S: 18}


def main():
    assert len(CASES) == 70, len(CASES)
    texts = [c[0] for c in CASES]
    assert len(set(texts)) == len(texts), "duplicate text"
    cnt = collections.Counter(c[1] for c in CASES)
    assert dict(cnt) == EXPECTED, cnt
    cases = list(CASES)
    random.Random(SEED).shuffle(cases)
    with open(OUT, "w", encoding="utf-8") as f:
        for i, (text, level, age, sex, conds, why) in enumerate(cases):
            rec = {"id": "h6-%03d" % (71 + i), "set": SET, "text": text, "level": level}
            if age is not None:
                rec["age"] = age
            if sex is not None:
                assert sex in ("M", "F")
                rec["sex"] = sex
            if conds:
                assert set(conds) <= VALID_COND, conds
                rec["conditions"] = conds
            rec["why"] = why
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    assert i + 71 == 140
    print("wrote", OUT, dict(cnt))


if __name__ == "__main__":
    main()
