#!/usr/bin/env python3
"""Held-out set v8, part A1: 70 colloquial WeChat triage messages, hand-written.
Writes triage_heldout_v8_a1.jsonl (ids h8-001..h8-070 after a seeded shuffle) and checks composition."""
import json, random, collections, os

SEED = 8808
SET = "colloquial"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "triage_heldout_v8_a1.jsonl")
EXPECTED = {"emergency": 20, "urgent": 17, "routine": 16, "self_care": 17}
ALLOWED_COND = {"hypertension", "diabetes", "pregnancy", "atrial fibrillation", "copd",
                "asthma", "anticoagulant", "heart disease"}

E, U, R, S = "emergency", "urgent", "routine", "self_care"

# (text, level, age, sex, conditions, why) — age/sex/conditions describe the PATIENT and only when the text states them
CASES = [
    # ---------------- emergency (20) ----------------
    ("医生你好,我系佢孙女,人喺深圳返工。啱啱阿妈打电话话阿嫲食早餐嗰阵筷子都拎唔稳,右手抬唔起,嘴角有啲歪落一边,讲嘢含含糊糊,大概半个钟之前开始嘅。阿嫲自己话冇事,想瞓阵先。系咪等佢瞓醒再算?",
     E, None, "F", None, "Sudden arm weakness, facial droop and slurred speech = 中风120/BE-FAST positive; acute stroke 共识Ⅱ级 → 120 now, note onset time."),
    ("我是三单元老刘 七十多了眼花 让孙子帮着打字。隔壁王家媳妇 刚才在院里晾衣服 突然抱着头蹲地上 说脑袋像炸开了 这辈子没这么疼过 吐了两回 现在躺沙发上 问话还能答 她男人上班去了 我们是等他回来还是咋办",
     E, None, "F", None, "Thunderclap 'worst ever' headache with vomiting → suspected subarachnoid haemorrhage; sudden severe headache is a stroke warning (5.2), 共识Ⅱ级 → 120."),
    ("我是她儿媳妇,自己怀孕五个多月跑不动,先在这问问。婆婆72,糖尿病十几年,今天下午开始说心口窝那块堵得慌,不算很疼就是闷,出了一身冷汗,浑身没劲,吃了两片胃药没用,到现在快两个钟头了。她说是老胃病犯了,躺躺就好,不让打电话给她儿子。",
     E, 72, "F", ["diabetes"], "Elderly diabetic woman with >2 h epigastric pressure, cold sweat, weakness unrelieved = atypical ACS (5.3); cardiac-type chest pain 共识Ⅱ级 → 120 to PCI centre. Writer's pregnancy is not the patient's."),
    ("俺家掌柜哩有高血压 平时药有一顿没一顿 刚才搬化肥 突然后背一下子疼得跟撕开一样 往腰那儿窜 满头大汗 俺拿血压机量了 左胳膊198 右胳膊160 中不中先给他吃片降压药躺会儿",
     E, None, "M", ["hypertension"], "Sudden tearing back pain with sweating, hypertension and arm SBP difference >20 mmHg → suspected aortic dissection; 急诊转诊 criterion 3, 共识Ⅱ级."),
    ("医生,我妈上礼拜做完膝关节置换刚出院,这两天左小腿肿了一圈,我以为手术后正常。今天中午她上完厕所突然喘不上起,说吸气时右边胸口扎着疼,心跳特别快,夹了下血氧89。她让我别大惊小怪,歇会儿就好",
     E, None, "F", None, "Post-op immobility + unilateral calf swelling + sudden dyspnoea, pleuritic pain, tachycardia, SpO2 89 → suspected PE; 共识Ⅱ级 (SpO2 80–90, suspected PE) → 120."),
    ("俺爹六十八 在果园叫马蜂蛰了脖子 才半个钟头 脸肿得眼都睁不开 身上起了一片一片的风疙瘩 刚才说嗓子眼发紧 喘气呼噜呼噜带响 俺开三轮拉他往镇卫生院走 来得及不",
     E, 68, "M", None, "Sting followed by facial angio-oedema, generalised urticaria, throat tightness and noisy breathing = anaphylaxis (WAO) with airway involvement; 共识Ⅰ/Ⅱ级 → 120, not self-transport."),
    ("孩子她爸在外地,我一个人拿不准主意。女儿16,昨晚跟我吵完架把自己关屋里,刚才收拾垃圾发现一整板对乙酰氨基酚空了,大概二十片,她承认是吃了。说现在啥感觉没有,就是有点恶心。她说不想活了是气话,让我别管。这样是不是观察观察就行?",
     E, 16, "F", None, "Intentional paracetamol overdose (~10 g; liver injury is delayed, early symptoms minimal) with stated wish to die → acute overdose 共识Ⅰ级 + self-harm; ED now for levels/NAC."),
    ("医生 我幺爸拿错瓶子喝了一口敌敌畏 说马上就吐出来了 漱了口 他说莫得事 就是一直冒汗 口水流个不停 还说肚子有点绞 要得不嘛 我们在村头",
     E, None, "M", None, "Organophosphate (敌敌畏) ingestion with cholinergic signs (sweating, salivation, cramps) → poisoning 共识Ⅱ级, 急性中毒专家共识 → 120 now."),
    ("我在昆明打工。家里昨晚吃了我爹在山上捡的菌子,煮了一大锅。今早打电话,我妈说一家人都在拉肚子、吐,我爹还说看见墙上有小人在跳。他们讲是青头菌不会有毒,吐完就好了。我要不要喊他们去医院哦?",
     E, None, None, None, "Wild-mushroom meal with delayed vomiting/diarrhoea in several people and hallucinations → mushroom poisoning (possible hepatotoxic species); toxic exposure 共识Ⅱ级 → ED now."),
    ("俺家老两口住平房 昨晚屋里生的煤炉子 今早上我过去送饭 俺妈说脑瓜子疼得要命直恶心 俺爸招呼半天才睁眼 迷迷瞪瞪的 是不是俩人都感冒了 我先把窗户打开了",
     E, None, None, None, "Two people in a room with a coal stove: headache, nausea, one hard to rouse → carbon-monoxide poisoning with impaired consciousness; 共识Ⅰ/Ⅱ级 → 120 (oxygen/HBO)."),
    ("我是张爷爷的护工,他84了,一直吃阿司匹林。这两天拉的大便黑乎乎发亮,像柏油,今早扶他起来上厕所,他说眼前发黑差点倒,脸白得吓人,手冰凉。家属都在上海,让我先问下医生。",
     E, 84, "M", None, "Melaena on aspirin with near-syncope, pallor and cold peripheries → upper GI bleed with haemodynamic compromise; active bleeding 共识Ⅱ级 (5.6) → 120."),
    ("我老伴糖尿病打胰导素的 中午说不饿就没吃饭 刚才开始胡言乱语 叫他也不搭理 一身的汗 测了血糖2.6 我腿脚不好 他人大个我扶不动他 能不能喂点糖水",
     E, None, "M", ["diabetes"], "Insulin-treated, BG 2.6 with confusion and unresponsiveness = level-3 hypoglycaemia; POCT glucose <3.33 共识Ⅰ级, G-E1 → 120, nothing by mouth if not alert."),
    ("村卫生室小李,帮六组杨大爷转发他女儿的话:'我爸76,高血压好多年,药是吃一天停两天。前几天降温他没出门,饭量还行,晚上起夜多。今天早饭后说后脑勺炸着疼,吐了一次,眼睛看东西模糊一片,用他那个电子血压计量了两次都是二百一十几/一百二十左右。他说以前也高过,吃片硝苯地平躺躺就好。'我这边就一个人值班,怎么处理?",
     E, 76, "M", ["hypertension"], "BP >210/120 with severe headache, vomiting and blurred vision → hypertensive emergency; 急诊转诊 criterion 2, BP-E1, SBP >200 共识Ⅱ级."),
    ("我外婆82岁前两天说尿尿疼今天下午开始发烧39度5一直打哆嗦现在有点说胡话认不出我妈了手脚冰凉腿上起花斑量了个血压85/50我们在乡下到县城要一个钟头",
     E, 82, "F", None, "UTI → fever with rigors, new confusion, mottled cold limbs, SBP 85 → suspected septic shock; poor perfusion/sepsis 共识Ⅱ级 → 120."),
    ("我是伢崽的奶奶,媳妇刚出月子。伢崽才七个礼拜,今天摸起好烫,拿那个耳温枪量的38.4,奶还吃得,就是哼哼唧唧的。我们这边老习惯捂一身汗就退了,要得么?",
     E, 0, None, None, "Infant under 3 months with temperature ≥38 °C = NICE NG143 red (high risk) → emergency assessment now; do not bundle."),
    ("帮我女朋友问一下 她大姨妈推迟快两周了 没测 今天下午突然右下腹疼得直不起腰 说想大便又拉不出来 坐着坐着就头晕冒冷汗 脸都白了 她说是痛经 让我去买布洛芬 我们在出租屋",
     E, None, "F", None, "Missed period + sudden one-sided lower abdominal pain, rectal pressure, dizziness, sweating, pallor → suspected ruptured ectopic pregnancy; 共识Ⅱ级 → 120."),
    ("我自己有高血压,药就放茶几上。刚才发现两岁的孙子把我的氨氯地平抠出来吃了,药板上少了三颗。现在还在地上玩小车,脸不红,精神好得很。是不是多喝点水就排出去了?他爸妈都上班去了",
     E, 2, "M", None, "Toddler ingestion of a calcium-channel blocker (toxic in small doses, effects delayed) → poisoning 共识Ⅱ级; ED now even though well. Hypertension is the grandmother's."),
    ("儿子14 半夜把我叫醒 说下面左边蛋蛋突然疼 疼得吐了一次 不好意思给我看 碰都不让碰 是不是白天踢球拉伤了 能不能等天亮去社区看",
     E, 14, "M", None, "Sudden severe testicular pain with vomiting in an adolescent → suspected testicular torsion, 共识Ⅱ级; salvage time-critical → ED now, not next morning."),
    ("工地上的 老乡五十多 今天下午在楼顶扎钢筋 晒了一整天 刚才一头栽倒 扶起来说胡话 摸身上滚烫 干巴巴的没汗 抬到阴凉地了 喂水也喝不进 要不要送?工头说歇会就好",
     E, None, None, None, "Exertional heat exposure with collapse, confusion, hot dry skin → heat stroke; impaired consciousness 共识Ⅰ/Ⅱ级 → 120 and active cooling."),
    ("宝宝一岁半 刚才扯桌布把一锅刚开的汤打翻了 从脖子到胸口肚子红了一大片 起了好多大泡 有的地方皮都掉了 一直哭 婆婆说抹牙膏抹酱油 我先抹着行吗😭",
     E, 1, None, None, "Scald of neck, chest and abdomen with blistering and skin loss in a toddler (>10% TBSA) → major burn, 共识Ⅱ级; cool with running water and go to ED, no toothpaste/soy sauce."),

    # ---------------- urgent (17) ----------------
    ("我在外地出差。家里阿姨说我爸下午在卫生间滑了一跤,后脑勺磕门框上,起了个包。人是清醒的,没吐,说话走路都正常。他有房颤,一直吃华法林。阿姨问冰敷一下就行了吧?",
     U, None, "M", ["atrial fibrillation", "anticoagulant"], "Head injury while on warfarin → hospital CT the same day (5.6 anticoagulation; NICE head injury); no neuro signs now, so not 120."),
    ("爷爷高血压十来年了 今早量186/114 隔十分钟又量182/112 他说啥感觉都没有 头不晕不疼 能吃能睡 就是降压药昨天吃完了还没去拿 我在学校住校 让他今天去他嫌麻烦",
     U, None, "M", ["hypertension"], "Confirmed ≥180/110 without symptoms → BP-U1 (规范 紧急转诊, same-day contact); SBP 180–200 共识Ⅲ级."),
    ("老婆怀孕31周 今天在家自己量血压143/95 又量一遍146/96 她说没头疼也没眼花 就脚有点肿 下次产检还有十天 等那时候再说行不",
     U, None, "F", ["pregnancy"], "Pregnant with repeated BP ≥140/90 → BP-U1; NICE NG133 new hypertension in pregnancy needs same-day assessment for pre-eclampsia, not in ten days."),
    ("阿拉爸爸糖尿病 今朝早浪空腹测了19.8 吃好中饭又测了22点几 伊讲一点感觉也呒没 勿吐 肚皮也勿痛 人清清爽爽 我在外头上班 要紧伐",
     U, None, "M", ["diabetes"], "Two readings ≥16.7 mmol/L in a day without symptoms → G-U2: same-day family-doctor contact and ketone check."),
    ("老母亲七十一了,从早上起来就说肚子疼,肚脐周围隐隐地疼,一阵一阵的,没吐,大便昨天解过,也没发烧,能吃点稀饭。我在广州,家里就她和我爸。问题大不大?",
     U, 71, "F", None, "Abdominal pain at age >65 without high-risk features → 共识Ⅲ级 (5.6 Age): same-day hospital assessment."),
    ("娃四岁 从昨晚半夜到现在吐了七八回 喝口水都吐 拉了两次稀的 一上午就尿了一回 还少 颜色深 嘴巴干起皮 人蔫蔫的 喊他倒是还应 没发烧",
     U, 4, None, None, "Persistent vomiting, cannot keep fluids, reduced dark urine, dry lips, listless but rousable → dehydration, 共识Ⅲ级 (NICE CG84) → seen today."),
    ("我爸慢阻肺好些年了,这三四天咳得多,痰从白的变成黄的,又稠,走几步就喘,比平时厉害。夹手指那个血氧是92,坐着说话还行,不发烧。家里沙丁胺醇喷了作用不大。我自己也六十了腰不好,带他去医院得叫车",
     U, None, "M", ["copd"], "COPD exacerbation with purulent sputum, worse breathlessness and SpO2 92 but speaking in sentences → 共识Ⅲ级 (SpO2 90–94): same-day review."),
    ("我家丫头13岁有哮喘 今天体育课跑完又犯了 胸口紧 喘 用了两次万托林好一点 能说整句话 嘴唇不紫 可过一两个钟头又开始喘 还用去医院不 我在单位走不开",
     U, 13, "F", ["asthma"], "Acute asthma with only short-lived reliever response, no life-threatening features → 共识Ⅲ级 acute asthma with stable signs: same-day review (GINA/NICE)."),
    ("宝宝4个月,今晚发烧,腋下39.1,吃奶比平时少一点,还会冲人笑,手脚暖和,没出疹子。我是新手妈妈,家里老人说三天前打过疫苗是不是这个原因,要不要等明天",
     U, 0, None, None, "Infant aged 3–6 months with temperature ≥39 °C = NICE NG143 amber → face-to-face assessment today; not explained by a vaccine 3 days ago."),
    ("姥爷糖尿病二十年 右脚大脚趾前两天剪指甲剪破了 现在整个脚趾头又红又肿发亮 有点发黑 脚背上也红了一片 他脚没知觉不觉着疼 我舅说擦点碘伏就行",
     U, None, "M", ["diabetes"], "Diabetic foot with spreading redness and dark discolouration in a neuropathic foot → diabetic-foot red flag, urgent referral (clinical_rules 2.4-3)."),
    ("老婆32岁 前天开始尿频尿急尿痛 今天烧到38.9 右边后腰疼 拿拳头轻轻一敲就叫 没怀孕 能不能在家吃点头孢",
     U, 32, "F", None, "Cystitis symptoms plus fever 38.9 and loin tenderness → acute pyelonephritis (NICE NG111): same-day assessment and antibiotics, no shock features."),
    ("我妈房颤,吃着利伐沙班,这两天老说心慌,血压计上心率一直在120~130,血压118/76,不胸痛不喘,还能下地做饭。要紧不?",
     U, None, "F", ["atrial fibrillation", "anticoagulant"], "Persistent HR 120–130 with stable BP and no chest pain/dyspnoea → 共识Ⅲ级 (HR 100–150; 5.6 Pulse): same-day hospital."),
    ("外婆下楼梯踩空了 手撑了一下地 左手腕肿起来 疼得不敢动 看着形状没歪 手指头能动也不麻 她79了骨头脆 家里人说先贴膏药观察两天",
     U, 79, "F", None, "Fall on outstretched hand in an elderly woman with swelling and pain → suspected distal radius fracture, no deformity or neurovascular loss: X-ray today, not 120."),
    ("我是开饭馆的,帮伙计问下。他切肉把左手食指切了个口子,两厘米来长,挺深,能看见里头白的,压了十来分钟血止住了,手指能弯。创可贴贴上行不行?",
     U, None, "M", None, "Deep finger laceration with exposed deep structure, bleeding controlled → needs same-day exploration/closure and tetanus cover (wound within hours)."),
    ("在村里被邻居家土狗咬了小腿 两个牙印出血了 狗打没打疫苗不知道 我用肥皂水冲了十几分钟 狂犬疫苗明天再去打行不 我在县城跑车今天走不开",
     U, None, None, None, "Bleeding dog bite from a dog of unknown vaccination = category III rabies exposure → vaccine plus immunoglobulin as soon as possible (狂犬病暴露预防处置规范): today."),
    ("儿媳妇怀孕36周了 今天一整天说宝宝动得很少 平时一下午能觉着十几回 今天到现在就两三下 没肚子疼没见红 明天正好是产检日 明天再去吧?",
     U, None, "F", ["pregnancy"], "Reduced fetal movements after 28 weeks → RCOG GTG57: contact maternity unit for assessment the same day, do not wait for the appointment."),
    ("我是社区网格员,帮楼上独居的陈阿姨问一下。她老伴三个月前走了,最近饭也不太吃,晚上睡不着,今天跟我聊天说'活着也没什么意思了,想跟老头子一起去'。我问她有没有想过怎么做,她说没有,就是这么想想。她儿子在国外。",
     U, None, "F", None, "Passive suicidal ideation with depressive features, no plan or means → 共识Ⅲ级 (self-harm risk/depression): same-day mental-health assessment and safety plan."),

    # ---------------- routine (16) ----------------
    ("帮我妈问下 她62 高血压吃氨氯地平5mg一年多了 这一个礼拜早晚都量了 平均下来148/92左右 最高一次156/95 没头晕没头疼 就是比以前高了点 要加药吗",
     R, 62, "F", ["hypertension"], "Weekly home mean above 135/85 target, no symptoms → BP-T1: family-doctor review within 2 weeks."),
    ("我公公二型糖尿病吃二甲双胍,过年这阵吃得多,这周空腹测了四次:7.6、8.1、7.9、8.4,饭后没测,没什么不舒服。",
     R, None, "M", ["diabetes"], "Mean fasting glucose ≥7.0 over ≥3 readings, asymptomatic → G-T1: adjustment and revisit within 2 weeks."),
    ("老伴吃依那普利降压两个来月了 一直干咳 嗓子痒 无痰 不发烧 晚上咳得睡不好 止咳糖浆喝了不管用 是不是药的问题",
     R, None, None, ["hypertension"], "Probable ACE-inhibitor cough = adverse drug reaction → 规范: review and switch drug, revisit within 2 weeks."),
    ("我是住家保姆,照顾的老太太87了,每天吃的药七八种,有降压的、降糖的、护胃的,还有别的医院开的活血的,她老说吃药都吃饱了。家属让我问问能不能约家庭医生上门帮看看哪些能停。她最近血压血糖都还平稳。",
     R, 87, "F", ["hypertension", "diabetes"], "Stable polypharmacy in a very old patient → planned medication review (共识Ⅳ 非急症, stable follow-up)."),
    ("我大伯58 抽了三十多年烟 这两个多月没刻意减肥 瘦了快八斤 饭量小了点 别的没啥 不咳血 不发烧 他不愿去大医院 能不能先到你们这查查",
     R, 58, "M", None, "Unexplained weight loss in a long-term smoker → possible cancer, NICE NG12 investigation within 2 weeks; no acute danger."),
    ("医生,我妈五十三,洗澡时摸到左边乳房有个硬疙瘩,黄豆大,不疼,摸了两个礼拜也没消。她不好意思去看,我在外地读书,该怎么劝她?",
     R, 53, "F", None, "New painless breast lump age ≥30 → NICE NG12 suspected-cancer referral within 2 weeks; not acute."),
    ("阮阿嬷今年六十五,停经十几年了,这个月内裤上见了两回一点点血,淡红的,无痛,伊讲是火气大。我想带伊去看,挂恁家庭医生还是直接去妇科?",
     R, 65, "F", None, "Post-menopausal bleeding, small amount, no pain → NICE NG12 gynaecology referral within 2 weeks; no acute danger."),
    ("老爸61,最近一个多月大便老是不成形,一天两三回,有时候纸上带点鲜红的血。以前有痔疮,但以前没这么拉过。人精神还行,不头晕,脸色也正常。",
     R, 61, "M", None, "Change in bowel habit with rectal bleeding over 50 → NICE NG12 colorectal referral within 2 weeks; no anaemia or instability."),
    ("额妈膝盖疼了三个月咧 上下楼疼得很 平地走还能成 早上起来有点僵 不红也不肿 贴膏药管一阵阵 想问能不能开点药 要不要拍个片子",
     R, None, "F", None, "Chronic mechanical knee pain, no red flags (not hot or swollen) → likely OA, routine family-doctor review (共识Ⅳ known chronic symptoms)."),
    ("失眠一个多月了,每天两三点才睡着,白天没精神。我45,家里老人住院我两头跑压力大,不想依赖安眠药,能不能约个时间聊聊",
     R, 45, None, None, "Persistent insomnia with stressor, no self-harm or danger features → routine appointment (CBT-I first line)."),
    ("姑父糖尿病 化验糖化8.1 医生说偏高 他平时吃格列齐德加二甲双胍 空腹一般七点几 没低血糖过 想问下次随访要不要调药",
     R, None, "M", ["diabetes"], "HbA1c 8.1% above <7.0% target, no hypoglycaemia → 规范 adjust and review within 2 weeks (G-T1/G-T2)."),
    ("体检B超说我姐甲状腺有个结节1.2cm TI-RADS 4a类 她吓得睡不着 脖子不疼不胀 咽东西也正常 下一步该咋办",
     R, None, "F", None, "Thyroid nodule 1.2 cm TI-RADS 4a without compressive symptoms → elective referral for FNA; routine."),
    ("我婆婆这一年忘性越来越大,刚说过的话转头就忘,炒菜忘放盐,有两回出门忘带钥匙。但认得人,不迷路,也没有突然变糊涂。想带她查查是不是老年痴呆。",
     R, None, "F", None, "Gradual memory decline over a year with no acute confusion → routine cognitive assessment (NICE NG97)."),
    ("降压药吃完了,开药",
     R, None, None, ["hypertension"], "Prescription renewal only, no symptoms → 共识Ⅳ 非急症 (prescription only): routine."),
    ("我爷爷八十三,高血压,吃两种药。这几天在家量,早上152到158,下午140出头,之前医生说他这个岁数150以下就行。头不晕,吃饭睡觉都正常,要不要调?",
     R, 83, "M", ["hypertension"], "Age ≥80 target <150/90; home readings mildly above target, asymptomatic → BP-T1 review within 2 weeks."),
    ("舅舅糖尿病八年 这次体检尿微量白蛋白高 小便泡沫多 腿不肿 血压130/80 血糖控制得还行 需要转上级医院吗",
     R, None, "M", ["diabetes"], "New chronic complication (albuminuria) without acute features → 规范 refer with 2-week follow-up; routine."),

    # ---------------- self_care (17) ----------------
    ("闺女7岁 刚玩着玩着鼻子流血了 流得满脸都是 吓死我了 捏着鼻子低头十分钟已经止住了 没磕着碰着 现在又蹦又跳的",
     S, 7, "F", None, "Anterior epistaxis stopped with 10 min pressure, no trauma, child well → self-care (NICE CKS epistaxis)."),
    ("我爸早上起来左眼白眼仁一大块血红,跟兔子眼似的,看着吓人。不疼不痒,看东西清楚,血压刚量128/80,他不吃抗凝药。",
     S, None, "M", None, "Painless subconjunctival haemorrhage, normal vision, normal BP, no anticoagulant → self-care (CKS), resolves in 1–2 weeks."),
    ("妈血压128/78正常吧",
     S, None, "F", None, "Normal reading (<135/85 home) → reassurance, self-care."),
    ("我外公有糖尿病,吃完饭两个钟头测的8.6,外婆紧张得不行,说超过7就是高,要不要多吃一片药啊",
     S, None, "M", ["diabetes"], "2-h post-meal 8.6 is within the non-fasting target <10.0 (CDS 2020) → reassurance; do not self-increase dose."),
    ("听人说二甲双胍伤肝伤肾 我爸吃了三年了 去年查肾功能正常 这药到底能不能长期吃 要不要停了换中药调",
     S, None, "M", None, "Medicine worry with reassuring answer: metformin is first-line and safe with normal renal function (CDS 2020); do not stop. Self-care advice."),
    ("老公感冒两天 鼻塞流鼻涕 嗓子有点疼 体温37.4 能吃能睡 要不要吃点阿莫西林",
     S, None, "M", None, "Uncomplicated URTI, no red flags → self-care, antibiotics not indicated (NICE CKS)."),
    ("宝宝一岁半 上午打了百白破加强针 晚上有点低烧37.9 精神挺好 吃饭玩都正常 打针的地方有点红 没抽过 用不用吃退烧药",
     S, 1, None, None, "Expected low fever and local redness within 24 h of DTaP in a well child → NICE NG143 green, self-care."),
    ("宝宝20天 一天打好几个喷嚏 有时候还打嗝 不发烧 吃奶好 是不是着凉了 姥姥非说要捂着",
     S, 0, None, None, "Newborn sneezing and hiccups are physiological; afebrile and feeding well → self-care (advise against over-wrapping)."),
    ("昨晚跟朋友吃路边摊烧烤,今天拉了三回稀的,肚子咕噜咕噜,没发烧,没拉血,能喝水,尿也正常。我28,要不要去打点滴?",
     S, 28, None, None, "Mild acute diarrhoea without fever, blood or dehydration → oral fluids, self-care (CKS gastroenteritis)."),
    ("口腔溃疡疼死了😭",
     S, None, None, None, "Painful mouth ulcer, no other features → self-care; review only if >3 weeks (CKS)."),
    ("孩子回老家被蚊子咬了 胳膊上鼓了好几个大包 红红的 挠破了 不发烧 别的地方冇起 会不会是很严重的过敏",
     S, None, None, None, "Local reaction to mosquito bites without systemic or spreading features → self-care (antihistamine, don't scratch)."),
    ("炒菜油溅手背上 红了指甲盖大一块 没起泡 冲了二十分钟凉水 还有点火辣辣的 ok吗",
     S, None, None, None, "Small superficial burn already cooled → self-care (CKS burns)."),
    ("儿子打篮球崴了脚 脚踝外边有点肿 自己走回家的 按骨头那里不疼 他说没事 明天还要比赛",
     S, None, "M", None, "Ankle sprain, weight-bearing, no bony tenderness (Ottawa rules negative) → self-care, rest and ice."),
    ("娃拉的粑粑红红的 一坨一坨的 吓我一跳 昨晚吃了半个红心火龙果 娃精神好 能吃能耍 没喊肚子疼",
     S, None, None, None, "Red stool explained by red dragon fruit pigment in a well child → self-care; recheck if it persists after stopping the fruit."),
    ("女儿出生第六天,换尿布发现尿布上有点血丝,是从下面出来的,两边乳房也鼓了两个小包。婆婆吓坏了。宝宝吃奶睡觉都挺好,不发烧。",
     S, 0, "F", None, "Neonatal withdrawal bleeding and breast swelling from maternal hormones, baby well → physiological, self-care."),
    ("我有高血压,早上忘吃降压药了,现在下午三点,还能补吗?刚测132/84",
     S, None, None, ["hypertension"], "Missed-dose question with normal reading → self-care advice (take now, don't double tomorrow)."),
    ("我爸左边眼皮老是跳 快一个礼拜了 一阵一阵的 他上网查说是中风先兆 吓得睡不着 嘴不歪 手脚利索 说话也正常",
     S, None, "M", None, "Isolated eyelid myokymia with FAST negative → benign, self-care; review if >2–3 weeks or spreading."),
]


def main():
    # checks on the hand-written list
    texts = [c[0] for c in CASES]
    assert len(texts) == len(set(texts)), "duplicate texts"
    counts = collections.Counter(c[1] for c in CASES)
    assert dict(counts) == EXPECTED, counts
    assert len(CASES) == 70
    for t, lvl, age, sex, cond, why in CASES:
        assert lvl in EXPECTED
        assert sex in (None, "M", "F")
        assert age is None or (isinstance(age, int) and age >= 0)
        assert cond is None or (cond and set(cond) <= ALLOWED_COND), cond
        assert why.strip()

    cases = list(CASES)
    random.Random(SEED).shuffle(cases)
    with open(OUT, "w", encoding="utf-8") as f:
        for i, (t, lvl, age, sex, cond, why) in enumerate(cases, 1):
            o = {"id": f"h8-{i:03d}", "set": SET, "text": t, "level": lvl}
            if age is not None:
                o["age"] = age
            if sex is not None:
                o["sex"] = sex
            if cond:
                o["conditions"] = cond
            o["why"] = why
            f.write(json.dumps(o, ensure_ascii=False) + "\n")

    # re-read and verify
    rows = [json.loads(l) for l in open(OUT, encoding="utf-8")]
    assert [r["id"] for r in rows] == [f"h8-{i:03d}" for i in range(1, 71)]
    c = collections.Counter(r["level"] for r in rows)
    assert dict(c) == EXPECTED
    lens = [len(r["text"]) for r in rows]
    print(OUT)
    print("rows:", len(rows), "| set:", SET)
    for lvl in ("emergency", "urgent", "routine", "self_care"):
        print(f"  {lvl:10s} {c[lvl]:3d}")
    print("length: min", min(lens), "max", max(lens),
          "| <=10:", sum(l <= 10 for l in lens), "| 11-80:", sum(10 < l <= 80 for l in lens),
          "| 81-200:", sum(80 < l <= 200 for l in lens), "| >200:", sum(l > 200 for l in lens))


if __name__ == "__main__":
    main()
