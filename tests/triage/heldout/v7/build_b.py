#!/usr/bin/env python3
"""Held-out set v7, part B: 45 standardized-patient vignettes (Semigran-style 15/15/15),
each written twice (vignette_long, vignette_terse). Cases are written by hand below.
Run: python3 build.py  -> triage_heldout_v7_vignettes.jsonl (90 lines) + composition check."""
import json, os, random
from collections import Counter

SEED = 7727
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "triage_heldout_v7_vignettes.jsonl")

HTN, DM, PREG, AF, ASTH, ANTI = "hypertension", "diabetes", "pregnancy", "atrial fibrillation", "asthma", "anticoagulant"

# (group, level, why, long_text, (age, sex, conditions), terse_text, (age, sex, conditions))
CASES = [
# ---------------- emergent (15) ----------------
("emergent", "emergency",
 "Infant <3 months with T>=38C = NICE NG143 red/high risk; infants upgraded (急诊预检分诊共识) -> hospital now",
 "我家闺女出生才七周，今天下午开始摸着烫，用耳温枪量38.3度，奶比平时吃得少一点点，没吐也没拉肚子，没起疹子，精神看着还行就是爱睡。家里老人说捂捂汗就好，我们第一次当爸妈，想问下要不要紧？",
 (0, "F", []),
 "女婴7周，今天发烧38.3℃，吃奶稍少，无皮疹无呕吐",
 (0, "F", [])),
("emergent", "emergency",
 "Suspected button-battery ingestion: oesophageal burn within 2 h even if asymptomatic; ingested hazard = consensus Ⅱ -> ED now for X-ray",
 "孩子两岁，男孩，半小时前玩遥控器，后盖开了，里面那颗圆圆的纽扣电池找不到了，他奶奶看见他往嘴里塞了个东西。现在不咳不喘，也没吐，还在玩，能喝水。是不是等它自己拉出来就行？",
 (2, "M", []),
 "2岁男孩疑似吞了纽扣电池 半小时 目前不咳不吐",
 (2, "M", [])),
("emergent", "emergency",
 "Acute testicular pain and swelling with vomiting in adolescent = suspected torsion, consensus Ⅱ (6-h salvage window)",
 "儿子14岁，早上6点多疼醒的，说肚子下面疼，吐了一次。我以为是吃坏了，刚才他才不好意思跟我讲其实是左边蛋蛋疼得厉害，肿了一点，碰都不让碰。没发烧，没摔着，昨天踢球还好好的。先吃点止疼药观察行吗？",
 (14, "M", []),
 "14y男 左边蛋蛋突然剧痛肿 今早起 吐1次 无外伤",
 (14, "M", [])),
("emergent", "emergency",
 "Positive pregnancy test + unilateral pain + bleeding + near-syncope/shoulder-tip pain = suspected ruptured ectopic, consensus Ⅱ (NICE NG126)",
 "我29岁，例假推迟了快两周，前天用验孕棒测了是两道杠，还没去医院建档。今天中午开始右下腹一阵一阵疼，内裤上有点咖啡色的血，刚才上厕所站起来眼前一黑差点晕倒，现在肩膀也有点酸。没发烧没拉肚子。是不是先兆流产，躺着保胎就行？",
 (29, "F", [PREG]),
 "29岁女，验孕阳性，右下腹痛+少量出血，刚才差点晕倒",
 (29, "F", [PREG])),
("emergent", "emergency",
 "Postpartum BP 168/112 with severe headache and visual disturbance = severe pre-eclampsia/BP-E1 (>=180/110 or DBP>=110 plus red-flag symptoms; NICE NG133) -> 120",
 "我是剖腹产后第9天，出院在家坐月子，32岁。从昨晚开始头一直胀痛，吃了对乙酰氨基酚也没好，眼前老有闪光的小点点，看手机模糊。刚用家里血压计量了两次都是一百六十八/一百一十二左右，怀孕时血压都正常的。没发烧，伤口也不红不疼。",
 (32, "F", []),
 "产后9天 32岁女 头痛眼冒金星 血压168/112",
 (32, "F", [])),
("emergent", "emergency",
 "Immobilised after fracture + sudden dyspnoea, pleuritic pain, tachycardia, SpO2 91 = suspected PE, consensus Ⅱ (胸痛共识 high-risk cause)",
 "老公45岁，两周前右脚踝骨折打了石膏，一直在家躺着没怎么动。今天下午突然喘不上气，吸气时左边胸口刺痛，心跳很快，家里指夹的血氧是91。没发烧，不咳痰，以前没有心脏病。他说缓缓就好，不愿意去医院。",
 (45, "M", []),
 "男45 脚骨折打石膏2周 突然气短 吸气胸痛 血氧91",
 (45, "M", [])),
("emergent", "emergency",
 "Elderly diabetic with epigastric discomfort, cold sweat, nausea 2 h = atypical ACS; consensus Ⅱ severe unexplained pain with sweating above umbilicus -> 120",
 "我妈74岁，糖尿病十几年，打胰岛素，还有高血压。今天早上买菜回来说心口下面胃那块闷闷的不舒服，有点想吐，出了一身冷汗，没劲儿，已经快两个钟头了，吃了胃药没用。她说不是胸口疼，也没拉肚子，测血糖9.6。我在外地，她说躺会儿就好。",
 (74, "F", [DM, HTN]),
 "74岁女糖尿病 上腹闷恶心冷汗2h 不是胸痛 血糖9.6",
 (74, "F", [DM])),
("emergent", "emergency",
 "Thunderclap (peak in seconds, worst-ever) headache with vomiting and neck stiffness = suspected SAH; consensus Ⅱ severe pain, 中风120 剧烈头痛",
 "52岁女的，刚才在家搬米袋子的时候后脑勺突然像被锤子砸了一下，一下子就疼到顶了，这辈子没这么疼过，吐了两回，脖子后面发硬。手脚都能动，说话也清楚，血压135/85。平时偶尔偏头痛，但完全不是这种。现在在床上躺着。",
 (52, "F", []),
 "52岁女 突发炸裂样头痛 吐两次 脖子硬 手脚能动",
 (52, "F", [])),
("emergent", "emergency",
 "Anticoagulated elderly head injury now drowsy with headache and vomiting = suspected intracranial bleed; consensus Ⅱ stupor/altered consciousness (NICE NG232)",
 "俺爹82了，有房颤，一直吃华法林。昨天傍晚在院里滑了一跤，后脑勺磕在台阶上，当时没晕，起了个包，说没事。今天一上午都叫不太醒，叫醒了说头疼，吃饭时吐了一口，说话比平时慢。胳膊腿都能动。是不是昨晚没睡好？",
 (82, "M", [AF, ANTI]),
 "82男 房颤吃华法林 昨天摔到头 今天叫不太醒+头痛+吐",
 (82, "M", [AF, ANTI])),
("emergent", "emergency",
 "Fever + neck stiffness + photophobia + non-blanching rash = suspected meningococcal disease (NICE NG240), sepsis risk consensus Ⅱ -> 120",
 "我在学校宿舍，19岁男生。昨晚开始发烧39度多，头很痛，脖子一低头就疼，怕光，今天早上发现腿上和肚子上有些紫红色的小点点，用玻璃杯压着也不褪色。没咳嗽，没拉肚子，室友说是过敏。要不要先吃退烧药睡一觉？",
 (19, "M", []),
 "19岁男，发烧39度头痛脖子僵，腿上紫点压不褪色，无咳嗽",
 (19, "M", [])),
("emergent", "emergency",
 "T1DM, insulin stopped, BG HI + vomiting + abdominal pain + Kussmaul breathing + ketotic breath = suspected DKA, G-E2 -> 120",
 "女儿16岁，一型糖尿病打胰岛素三年了。这两天又拉又吐，吃不下饭，她就自己把胰岛素停了，说不吃饭不用打。今天肚子疼，一直口渴，呼吸又深又快，嘴里有股烂苹果味，血糖仪显示HI。人还清醒，没发烧。",
 (16, "F", [DM]),
 "女16 1型糖尿病停胰岛素 呕吐腹痛呼吸深快 血糖显示HI",
 (16, "F", [DM])),
("emergent", "emergency",
 "Coal stove, closed room, household cluster of headache/vomiting, patient slowed = suspected CO poisoning with altered mentation (急性中毒诊治专家共识; consensus Ⅱ toxic exposure)",
 "大夫，俺家屋里烧的煤炉子，昨晚关窗睡的，今早起来俺和俺媳妇都头疼恶心，走道发飘。俺媳妇35岁，刚才吐了，人迷迷糊糊的，叫她反应慢半拍。家里没人发烧拉肚子。现在窗户开开了，是不是受凉感冒了，咋整？",
 (35, "F", []),
 "35岁女 烧煤炉关窗睡 早上头痛吐 反应慢 家人也头疼",
 (35, "F", [])),
("emergent", "emergency",
 "Sudden vertigo + ataxia + diplopia = posterior-circulation stroke (BE-FAST Balance/Eyes); acute stroke consensus Ⅱ -> 120 even without face/arm signs",
 "阿拉屋里老头子67岁，高血压吃药控制得还可以。一个钟头前在看电视，突然说天旋地转，站起来往一边倒，走不了直线，看东西有重影，吐了一次。说话还清楚，嘴也不歪，两只手都能举起来。以前从来没晕过。他自己说是耳石症，躺躺就好。",
 (67, "M", [HTN]),
 "67岁男高血压 1h前突发天旋地转 站不稳 重影 嘴不歪",
 (67, "M", [HTN])),
("emergent", "urgent",
 "Diabetic foot wound with spreading cellulitis and low fever, no sepsis signs = diabetic-foot red flag -> urgent same-day referral (国家基层糖尿病防治管理指南; NICE NG19)",
 "我父亲71岁，糖尿病二十年，吃二甲双胍加格列美脲。右脚大脚趾旁边前几天被鞋磨破了个口子，这两天周围又红又肿发烫，红的范围比昨天大了，流点黄水，今天体温37.8。他脚本来就麻，说不怎么疼。精神还可以，血糖11点几。",
 (71, "M", [DM]),
 "71岁男 糖尿病 脚趾伤口红肿发烫两天 范围变大 体温37.8",
 (71, "M", [DM])),
("emergent", "urgent",
 "Moderate acute asthma in child (speaks sentences, SpO2 95, reliever lasting <4 h) = consensus Ⅲ acute asthma with stable vitals; BTS/SIGN -> seen today",
 "孩子7岁女孩，有哮喘，平时很少犯。前天感冒了，今晚咳嗽加重，能听到呼呼的喘，喷了两次沙丁胺醇管了一阵，一个多小时又喘了。现在能说完整句子，嘴唇不紫，血氧95，还能看动画片，就是比平时喘得快。要不要明天再去看？",
 (7, "F", [ASTH]),
 "7岁女孩 哮喘发作 喷沙丁胺醇后1h又喘 能说整句 SpO2 95",
 (7, "F", [ASTH])),
# ---------------- non-emergent (15) ----------------
("non_emergent", "routine",
 "Weekly home BP mean 150/95 >= 135/85 without symptoms = BP-T1 -> family doctor review within 2 weeks (规范: 控制不满意)",
 "我62岁，男，高血压吃氨氯地平5毫克两年了。这一个礼拜早晚都量了，平均下来大概150/95，以前都在130多。不头疼不头晕，胸口也不闷，就是过年这段时间咸的吃得多，酒也喝了点。需不需要加药？",
 (62, "M", [HTN]),
 "62岁男 高血压 这周家里测平均150/95 无头晕胸闷",
 (62, "M", [HTN])),
("non_emergent", "routine",
 "Fasting SMBG 8-9 on 5 occasions, no symptoms = G-T1 -> family doctor adjustment, revisit within 2 weeks",
 "55岁，女，糖尿病四年，一直吃二甲双胍一天两次。最近半个月早上空腹血糖测了5回，都在8到9之间，以前是6点多。没有口干多尿，也没有心慌出汗，体重没变。是不是得换药了？",
 (55, "F", [DM]),
 "55女 糖尿病吃二甲双胍 空腹血糖8~9已半个月 没口干",
 (55, "F", [DM])),
("non_emergent", "routine",
 "Uncomplicated lower UTI, non-pregnant, no fever or loin pain (NICE NG109) -> family doctor within days for treatment; Ⅳ",
 "本人32岁女，这两天尿频尿急，尿完还有点刺痛，一天跑十几趟厕所。没发烧，腰不疼，尿的颜色正常没见血，没有怀孕（上周刚来过例假）。以前也犯过一次，多喝水好点。能在网上开药吗还是要去趟卫生院？",
 (32, "F", []),
 "32岁女，尿频尿痛2天，不发烧腰不痛，没怀孕",
 (32, "F", [])),
("non_emergent", "routine",
 "Persistent >3-week painless hard neck lump in a smoker -> suspected-cancer referral within 2 weeks (NICE NG12); stable, Ⅳ",
 "男，45岁，上个月刮胡子时摸到左边脖子有个花生米大小的疙瘩，不疼，按着有点硬，推不太动，到现在三个多星期了没变小。这期间没感冒没嗓子疼，也没发烧，晚上不出汗。抽烟二十多年。要紧不？",
 (45, "M", []),
 "45岁男 脖子左边无痛硬疙瘩3周多 不发烧 抽烟",
 (45, "M", [])),
("non_emergent", "routine",
 "Gradual painless visual blurring with glare over months, no red eye or sudden loss = likely cataract -> routine ophthalmology referral (Ⅳ known chronic symptom)",
 "我母亲68岁，这大半年看东西越来越模糊，像隔了一层雾，晚上出门看路灯散成一圈一圈的，现在看电视字幕也费劲。眼睛不红不疼，不是突然变的，也没有看到黑影飘。有高血压，吃着药挺稳。",
 (68, "F", [HTN]),
 "68岁女 半年来视物越来越模糊 眼不红不痛 非突然",
 (68, "F", [])),
("non_emergent", "routine",
 "Chronic snoring with witnessed apnoeas and daytime sleepiness in child = suspected OSA/adenotonsillar hypertrophy -> ENT referral (中国儿童OSA诊断与治疗指南 2020); Ⅳ",
 "儿子5岁，这一年晚上打呼噜越来越响，总张着嘴睡，有时候憋一下好几秒才又喘上气，白天在幼儿园打瞌睡，老师说注意力不集中。平时不发烧，吃饭长个都正常。想问要去医院查什么？",
 (5, "M", []),
 "5岁男孩 打呼噜一年 睡觉憋气张嘴 白天犯困",
 (5, "M", [])),
("non_emergent", "routine",
 "Postmenopausal bleeding, minimal and stopped, no dizziness -> gynaecology referral within 2 weeks (NICE NG12); not active bleeding",
 "我53岁，绝经快三年了，这礼拜突然内裤上见了两次少量红血，不多，不疼，现在已经没了。没有同房后出血，没发烧，人不头晕。一直没吃过激素药。是不是上火了？还用去医院做B超吗",
 (53, "F", []),
 "53岁女 绝经3年后少量阴道出血两次 不痛 不晕",
 (53, "F", [])),
("non_emergent", "routine",
 "Undescended testis at 7 months, painless, not swollen -> paediatric surgery referral for orchidopexy by 6-18 months (隐睾诊疗专家共识; NICE CKS); not torsion",
 "宝宝男，7个月。今天洗澡时发现右边阴囊是空的，摸不到蛋蛋，左边正常。他不哭不闹，那里也不红不肿，吃奶睡觉都好。出生时医生好像提过一句，我们没在意。这个需要做手术吗？",
 (0, "M", []),
 "7个月男宝 右边阴囊摸不到蛋蛋 不红不肿不哭闹",
 (0, "M", [])),
("non_emergent", "routine",
 "Lumbar radiculopathy 3 weeks without cauda equina signs, weakness or fever (NICE NG59) -> family doctor review within days",
 "41岁男，在工地干活。三个礼拜前抬水泥后腰疼，后来疼到左屁股和大腿后面，一直到小腿外侧有点麻，弯腰咳嗽时更明显。大小便都正常，屁股周围不麻，腿有劲能走路，不发烧。贴了膏药好一点点。",
 (41, "M", []),
 "41岁男 腰痛到左小腿麻3周 大小便正常 腿有力",
 (41, "M", [])),
("non_emergent", "routine",
 "Heavy menstrual bleeding with symptoms of anaemia, no syncope (NICE NG88) -> family doctor within days for blood count; Ⅳ",
 "闺女16岁，上高一。这半年例假量特别多，头两天一小时就得换一片夜用的，一次来七八天。最近老说累，爬楼梯气喘，脸也没血色。不流鼻血，刷牙牙龈不出血，没晕倒过，没发烧。月经周期倒是准的。",
 (16, "F", []),
 "16岁女生 月经量大半年 乏力面色苍白 没晕倒",
 (16, "F", [])),
("non_emergent", "urgent",
 "Pregnant with confirmed BP >=140/90 = BP-U1 -> same-day family doctor/obstetric contact (规范 紧急转诊); no severe features so not 120",
 "怀孕12周了，第一胎，今年31岁。今天在药店顺手量了一下血压142/92，回家歇了一会又量是140/90。头不疼，眼睛看东西清楚，手脚不肿，也没肚子疼出血。怀孕前没查过血压。用不用管它？",
 (31, "F", [PREG]),
 "31岁女 孕12周 血压142/92复测140/90 无头痛水肿",
 (31, "F", [PREG])),
("non_emergent", "routine",
 "Postnatal low mood without self-harm thoughts (NICE CG192; 围产期抑郁症筛查与诊治专家共识) -> family doctor assessment within days-2 weeks",
 "生完孩子快一个月了，我27岁。最近老想哭，晚上孩子睡了我也睡不着，对啥都提不起劲，觉得自己当不好妈妈。家里人说是月子病。我没有想伤害自己或者孩子的念头，奶水也还够，伤口恢复得可以。",
 (27, "F", []),
 "女27 产后一月 情绪低落爱哭失眠 无伤害自己想法",
 (27, "F", [])),
("non_emergent", "routine",
 "Dependent ankle oedema after starting amlodipine, no orthopnoea/dyspnoea, BP at target = drug adverse effect -> review within 2 weeks (规范 不良反应)",
 "俺娘76，高血压，上个月社区医生给换成了氨氯地平，这两周两只脚脖子傍晚肿，按下去一个坑，早上起来就消了。不喘，晚上能平躺睡，不咳嗽，尿量也正常，血压现在130/80左右。",
 (76, "F", [HTN]),
 "76岁女 高血压 换氨氯地平后脚踝肿2周 不喘能平躺",
 (76, "F", [HTN])),
("non_emergent", "urgent",
 "Herpes zoster ophthalmicus (V1 rash, nasal tip, red photophobic eye) -> same-day antiviral and eye assessment (NICE CKS shingles)",
 "我64岁男，前天开始右边额头皮肤刺痛，今天冒出一片小水泡，一直长到眉毛和上眼皮，鼻尖右边也有一两个。右眼有点红，怕光，看东西还清楚。没发烧。平时有高血压。是不是带状疱疹？擦点药膏行吗？",
 (64, "M", [HTN]),
 "64岁男 右额头眼皮起水泡 鼻尖也有 眼红怕光",
 (64, "M", [])),
("non_emergent", "routine",
 "Change in bowel habit with intermittent fresh blood at age >50, stable (NICE NG12) -> colonoscopy referral within 2 weeks",
 "57岁男的，最近两个来月大便不规律，一天两三次，有时候又拉不出，大便变细，擦屁股纸上偶尔有点鲜红的血丝。肚子不怎么疼，不发烧，不头晕，能吃能喝，体重好像轻了两三斤。以前有痔疮。",
 (57, "M", []),
 "57岁男 大便变细次数多2月 偶有血丝 无头晕",
 (57, "M", [])),
# ---------------- self-care (15) ----------------
("self_care", "self_care",
 "Afebrile infant >3 months with coryza, feeding and wet nappies normal, no distress = common cold, no IMCI danger signs (NICE CKS)",
 "宝宝四个月，男孩。前天开始鼻子不通气，有点清鼻涕，偶尔咳两声，吃奶时鼻子呼噜呼噜但每顿都能吃完，尿不湿湿得跟平时一样多。没发烧，量了好几次都是36.8，不喘，吸气时肋骨不往里凹，精神挺好会笑。",
 (0, "M", []),
 "4月龄男婴 鼻塞清涕2天 体温正常 吃奶尿量正常 不喘",
 (0, "M", [])),
("self_care", "self_care",
 "Minor head injury, no LOC, no vomiting, normal behaviour = no NICE NG232 CT criteria -> home observation",
 "闺女3岁，刚才在沙发上蹦，摔下来额头磕到茶几角上，当场哇哇大哭，没晕过去，现在额头鼓了个包，冰敷着。哭完就下地玩了，没吐，走路稳，说话跟平时一样，眼睛看人也正常。吓死我了😭要去拍CT吗？",
 (3, "F", []),
 "3岁女孩额头磕茶几起包，没晕没吐，照常玩",
 (3, "F", [])),
("self_care", "self_care",
 "Mild HFMD, fever settled, drinking well, no startle/vomiting/limb jerks = 普通病例 home care (手足口病诊疗指南 2018)",
 "儿子2岁3个月，幼儿园班里有好几个手足口。他昨天发烧38度，吃了一次退烧药就退了，今天手心脚底长了几个小红点，嘴里有两个小溃疡，吃饭慢一点但喝奶喝水没问题。精神好，睡觉不惊跳，没吐，手脚也不抖。",
 (2, "M", []),
 "2岁男 手足口 烧了一天已退 精神好 没惊跳没吐",
 (2, "M", [])),
("self_care", "self_care",
 "Viral URTI with cough/coryza, able to swallow, low FeverPAIN -> no antibiotic, self-care (NICE NG84)",
 "我30岁女，上班族。嗓子疼三天了，还有点鼻塞流鼻涕、轻微咳嗽，最高体温37.6。咽口水疼但能吃饭能喝水，张嘴没问题，不喘，脖子也不肿。同事都在感帽。我想吃点阿莫西林，可以吗？",
 (30, "F", []),
 "30岁女 嗓子疼3天+鼻塞咳嗽 37.6 能吃能喝 要吃阿莫西林吗",
 (30, "F", [])),
("self_care", "self_care",
 "Late-pregnancy dependent ankle oedema with normal BP, no proteinuria, headache, visual change or facial oedema (NICE NG133) -> reassurance",
 "我怀孕32周，28岁，这几天下午脚踝有点肿，早上起来就消了。今天社区量血压112/72，尿蛋白阴性。头不疼，看东西清楚，脸和手都不肿，胎动跟平时一样多。要紧吗？",
 (28, "F", [PREG]),
 "女28 孕32周 傍晚脚踝肿早上消 血压112/72 不头痛",
 (28, "F", [PREG])),
("self_care", "self_care",
 "Paracetamol is compatible with breastfeeding, no need to stop feeds; benign headache without fever or visual change (LactMed; NICE CKS)",
 "宝妈一枚，29岁，宝宝两个月纯母乳。昨晚没睡好今天头有点疼，跟平时熬夜那种一样，不发烧，血压也正常，看东西清楚。家里有对乙酰氨基酚，吃了还能喂奶吗？需要停奶几个小时？",
 (29, "F", []),
 "29岁女 哺乳期头痛 不发烧 对乙酰氨基酚能吃吗",
 (29, "F", [])),
("self_care", "self_care",
 "Painless subconjunctival haemorrhage after coughing, vision normal, BP 132/84 controlled (NICE CKS) -> resolves in 2 weeks",
 "58岁男，有高血压在吃药。早上照镜子发现左眼白眼珠一大片鲜红的，吓一跳。眼睛不疼不痒，看东西跟平时一样清楚，没碰着也没有眼屎。昨天感冒咳得厉害。刚量血压132/84。需要去眼科吗？",
 (58, "M", [HTN]),
 "58岁男高血压 眼白一片红 不痛 视力正常 BP132/84",
 (58, "M", [HTN])),
("self_care", "self_care",
 "Bilateral pressing tension-type headache with no red flags (not sudden, no vomiting/fever/neuro signs; NICE CG150) -> no CT, self-care",
 "35岁男，程序员，最近项目赶工天天熬夜，这几天下午头两边像戴了个紧箍一样胀痛，不算很重，睡一觉就好些。不吐，不发烧，脖子能随便转，看东西不模糊，手脚也没麻。不是突然炸开那种疼。要不要做个脑CT？",
 (35, "M", []),
 "35岁男 熬夜后两侧头紧箍样痛几天 不吐 不发烧",
 (35, "M", [])),
("self_care", "self_care",
 "Ankle sprain, weight-bearing immediately and now, no malleolar/navicular tenderness = Ottawa rules negative -> RICE at home",
 "我24岁女，下午下楼梯崴了右脚，外踝那里肿了一点，有点青。当时马上就能自己走回家，现在走路有点疼但能正常走。按外面那块骨头和脚背那块骨头都不疼，只是软的地方疼。脚趾能动，不麻。",
 (24, "F", []),
 "24岁女 崴脚外踝肿 能走 按骨头不痛",
 (24, "F", [])),
("self_care", "self_care",
 "Delayed-onset muscle soreness after unaccustomed labour; normal urine colour, no fever or limb swelling (no rhabdomyolysis signs) -> rest, self-care",
 "48岁男，前天帮亲戚插了一天秧，昨天开始腰背、大腿、胳膊全身肌肉酸痛，下蹲起立都费劲，疼死了😣。不过莫得发烧，尿的颜色正常不发黑，腿不肿，歇着就好些。以前身体没啥毛病。能贴膏药吗？",
 (48, "M", []),
 "48岁男 插秧后全身肌肉酸痛 尿色正常 无发热",
 (48, "M", [])),
("self_care", "self_care",
 "Acute urticaria without angioedema, airway, breathing or circulatory involvement (WAO anaphylaxis criteria not met; NICE CKS) -> antihistamine at home",
 "34岁女，昨天换了个新牌子的洗衣液，今天身上、胳膊上起了一片片红疙瘩，痒得很，一会儿这冒一会儿那消。嘴唇眼皮不肿，嗓子不紧，喘气正常，没头晕，也没吃新的药和海鲜。吃了一片氯雷他定好点了。",
 (34, "F", []),
 "34岁女 全身风团痒1天 嘴唇不肿 呼吸正常",
 (34, "F", [])),
("self_care", "self_care",
 "Acute gastroenteritis without blood, fever or dehydration, tolerating fluids (NICE CKS) -> oral rehydration at home",
 "25岁男，昨晚吃了路边烧烤，半夜开始拉肚子，到现在拉了四回，稀水样的，没有血也不是黑的，肚子一阵阵咕噜但不是很疼，吐过一次后就没再吐，能喝水，尿也有。体温36.9，冇发烧。用不用去挂水？",
 (25, "M", []),
 "男25岁 吃烧烤后拉肚子4次 无血 不发烧 能喝水",
 (25, "M", [])),
("self_care", "self_care",
 "Post-meal 8.2 (<10.0) and fasting 6.1 (4.4-7.0) are at CDS 2020 targets -> reassure, do not self-increase dose",
 "67岁老太太，糖尿病吃二甲双胍五年。今天晚饭后两个小时测了血糖8.2，心里不踏实。早上空腹是6.1。没有心慌出汗，也没口渴。这个数是不是太高了，要不要多吃半片药？",
 (67, "F", [DM]),
 "67岁女 糖尿病 饭后2h血糖8.2 空腹6.1 无不适",
 (67, "F", [DM])),
("self_care", "self_care",
 "Missed once-daily antihypertensive, BP 138/86 asymptomatic -> take when remembered, do not double (common medicine question)",
 "我70岁男，高血压每天早上吃一片硝苯地平控释片。今天早上忘了吃，中午才想起来，刚量血压138/86，头不晕不疼。现在补吃一片可以吗？明天早上还要照常吃吗，要不要多吃一片补回来？",
 (70, "M", [HTN]),
 "70岁男 高血压 早上忘吃药 中午BP138/86 要补吗",
 (70, "M", [HTN])),
("self_care", "self_care",
 "Anterior epistaxis stopped with 10 min pressure, no bleeding-disorder features or dizziness (NICE CKS epistaxis) -> home care",
 "儿子13岁，北方冬天屋里暖气干，早上抠鼻子流鼻血了，左边鼻孔，捏着鼻翼低头压了十分钟就止住了。以前偶尔也这样。不头晕，平时刷牙不出血，身上没有乌青块，也没吃什么药。用不用去医院查血？",
 (13, "M", []),
 "13岁男 流鼻血按压10分钟止住 不头晕 没有瘀青",
 (13, "M", [])),
]

LEVELS = ("emergency", "urgent", "routine", "self_care")


def record(idx, pair, setname, text, level, meta, why):
    age, sex, conds = meta
    r = {"id": f"h7v-{idx:03d}", "set": setname, "pair": pair, "text": text, "level": level}
    if age is not None:
        r["age"] = age
    if sex:
        r["sex"] = sex
    if conds:
        r["conditions"] = list(conds)
    r["why"] = why
    return r


def main():
    cases = list(CASES)
    assert len(cases) == 45, len(cases)
    g = Counter(c[0] for c in cases)
    assert g == {"emergent": 15, "non_emergent": 15, "self_care": 15}, g
    for c in cases:
        grp, lvl = c[0], c[1]
        assert lvl in LEVELS
        if grp == "emergent":
            assert lvl in ("emergency", "urgent")
        elif grp == "non_emergent":
            assert lvl in ("routine", "urgent")
        else:
            assert lvl == "self_care"
    assert sum(1 for c in cases if c[0] == "non_emergent" and c[1] == "urgent") <= 3
    em = Counter(c[1] for c in cases if c[0] == "emergent")
    assert em["emergency"] > em["urgent"], em

    random.Random(SEED).shuffle(cases)
    longs, terses = [], []
    for i, (grp, lvl, why, lt, lm, tt, tm) in enumerate(cases, start=1):
        longs.append(record(i, i, "vignette_long", lt, lvl, lm, why))
        terses.append(record(45 + i, i, "vignette_terse", tt, lvl, tm, why))
    rows = longs + terses

    # checks
    problems = []
    allowed = {"hypertension", "diabetes", "pregnancy", "atrial fibrillation", "copd", "asthma",
               "anticoagulant", "heart disease"}
    texts = [r["text"] for r in rows]
    if len(set(texts)) != len(texts):
        problems.append("duplicate text")
    for r in rows:
        n = len(r["text"])
        if r["set"] == "vignette_long" and not (60 <= n <= 200):
            problems.append(f"{r['id']} long length {n}")
        if r["set"] == "vignette_terse" and not (15 <= n <= 50):
            problems.append(f"{r['id']} terse length {n}")
        if "\n" in r["text"]:
            problems.append(f"{r['id']} multi-line")
        for c in r.get("conditions", []):
            if c not in allowed:
                problems.append(f"{r['id']} bad condition {c}")
    for a, b in zip(longs, terses):
        assert a["pair"] == b["pair"] and a["level"] == b["level"]
        assert int(b["id"][4:]) == int(a["id"][4:]) + 45
    ids = [r["id"] for r in rows]
    assert ids == [f"h7v-{i:03d}" for i in range(1, 91)]

    with open(OUT, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")

    tab = Counter((r["set"], r["level"]) for r in rows)
    print(f"wrote {len(rows)} lines -> {OUT}")
    print(f"{'set':16s}" + "".join(f"{l:>11s}" for l in LEVELS) + f"{'total':>8s}")
    for s in ("vignette_long", "vignette_terse"):
        print(f"{s:16s}" + "".join(f"{tab[(s, l)]:11d}" for l in LEVELS)
              + f"{sum(tab[(s, l)] for l in LEVELS):8d}")
    print(f"{'total':16s}" + "".join(f"{tab[('vignette_long', l)] + tab[('vignette_terse', l)]:11d}"
                                     for l in LEVELS) + f"{len(rows):8d}")
    print("group x level:", dict(Counter((c[0], c[1]) for c in CASES)))
    ll = [len(r["text"]) for r in longs]
    tl = [len(r["text"]) for r in terses]
    print(f"long length {min(ll)}-{max(ll)} (mean {sum(ll)/len(ll):.0f}); terse {min(tl)}-{max(tl)} (mean {sum(tl)/len(tl):.0f})")
    if problems:
        print("PROBLEMS:", *problems, sep="\n  ")
        raise SystemExit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
