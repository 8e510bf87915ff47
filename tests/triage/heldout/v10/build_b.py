#!/usr/bin/env python3
"""Held-out set v10 part B: 45 paired standardized-patient vignettes (long + terse).

Semigran-style composition: 15 emergent / 15 non-emergent / 15 self-care, each written twice.
Cases are written by hand below; ids are assigned after a fixed-seed shuffle.
"""
import json
import random
from collections import Counter
from pathlib import Path

SEED = 1030
OUT = Path(__file__).resolve().parent / "triage_heldout_v10_vignettes.jsonl"
ALLOWED_COND = {"hypertension", "diabetes", "pregnancy", "atrial fibrillation", "copd",
                "asthma", "anticoagulant", "heart disease"}
LEVELS = {"emergency", "urgent", "routine", "self_care"}

# (group, level, age, sex, conditions, long_text, terse_text, why)
CASES = [
    # ---------------- emergent ----------------
    ("emergent", "emergency", 19, "M", [],
     "我儿子19岁，读大一放假在屋头。昨晚开始肚脐眼周围隐隐痛，今早痛跑到右下肚子去了，按下去松手更痛，走路一颠就痛得弯起腰，吐了两回，体温38.2。以前身体好，没开过刀，没吃啥子药。没拉肚子，大便没得血。",
     "右下腹痛一天从肚脐转过来的，发烧38.2，19岁男，吐2次，不拉肚子",
     "Suspected acute appendicitis (migratory RLQ pain, rebound, fever, vomiting, severe pain): consensus Ⅱ级 severe abdominal pain → ED now."),
    ("emergent", "emergency", 34, "F", [],
     "34岁女，剖腹产完第18天。今天下午抱孩子时突然喘不上气，吸气的时候右边胸口刺着痛，心跳很快，手环显示心率118。左小腿这几天又肿又胀，比右边粗一圈。没有发烧，没咳痰，以前没有心脏病也没有哮喘。",
     "女34 剖腹产后18天 突然喘不上气+吸气胸痛 左小腿肿 心率118",
     "Suspected pulmonary embolism (postpartum, unilateral calf swelling, sudden dyspnoea, pleuritic pain, HR>100): consensus Ⅱ级 suspected PE → 120."),
    ("emergent", "emergency", 0, "M", [],
     "宝宝8个月男孩，昨天开始发烧39度多，吃了退烧药退了又烧。今天特别蔫，抱着也一直哭、哭声尖，喂奶吐了三次，头顶囟门摸着鼓鼓的，腿上冒出几个紫红小点，用杯子压着不褪色。没有咳嗽流涕，疫苗都按时打的。",
     "8个月男宝 高烧1天 囟门鼓 吐奶 腿上紫点压不褪色😭",
     "Febrile infant with bulging fontanelle, non-blanching rash, vomiting, lethargy: suspected meningitis/meningococcal sepsis (NICE NG143 red) → 120."),
    ("emergent", "emergency", 68, "M", ["hypertension"],
     "我爸68岁，高血压吃了十来年硝苯地平。今天早上七点吃早饭还好好的，八点多突然说话含含糊糊，右手端碗端不住，嘴巴往左边歪。他说不痛也不晕，歇一下就好，不肯去医院。没有摔跤，没抽筋。",
     "爸68岁高血压，1小时前突然嘴歪、右手拿不住碗、说话含糊",
     "Sudden face droop, arm weakness and slurred speech within 1–2 h (中风120 / BE-FAST): consensus Ⅱ级 acute stroke, thrombolysis window → 120."),
    ("emergent", "emergency", 58, "M", ["diabetes"],
     "老公58岁，糖尿病七八年，打胰岛素。半小时前看电视时心口窝胃那块闷闷的不舒服，出了一身冷汗，有点恶心想吐，他说是老胃病犯了，吃了胃药，到现在40分钟了还没好。不是刀割那种痛，没拉肚子，晚饭吃得也正常。",
     "58男 糖尿病打胰岛素 心口窝闷40分钟 出冷汗想吐 吃胃药没用",
     "Atypical ACS in a diabetic (epigastric pressure at rest >15 min with sweating and nausea): consensus Ⅱ级 cardiac-type chest pain (criteria 5.3) → 120."),
    ("emergent", "emergency", 15, "F", [],
     "女儿15岁，这一个多月老喊口渴，一天喝好几瓶水，晚上起夜好几次，人瘦了快十斤。昨晚开始吐，肚子痛，今天呼吸又深又快，说话没精神、老想睡。用她爷爷的血糖仪测，屏幕只显示HI。以前没查过血糖，没吃什么药，没拉肚子。",
     "15岁女 一个月多饮多尿瘦10斤 今天吐+肚子痛 喘粗气 血糖仪显示HI",
     "Suspected new-onset DKA (meter 'HI' ≥16.7 with vomiting, abdominal pain, Kussmaul breathing, drowsiness): G-E2 → 120."),
    ("emergent", "emergency", 27, "F", ["pregnancy"],
     "27岁，女，月经推迟了10天，前天验孕棒两条杠，还没去做B超。今天中午开始左下肚子一阵阵痛得厉害，下面有点咖啡色的血，刚才上完厕所站起来眼前发黑，差点晕倒。以前得过一次输卵管炎。没发烧，没有拉肚子。",
     "27女 验孕两道杠 左下腹剧痛 见红 站起来眼前发黑",
     "Positive pregnancy test with unilateral pain, bleeding and near-syncope: suspected ruptured ectopic, consensus Ⅱ级 → 120."),
    ("emergent", "emergency", 30, "M", [],
     "朋友30岁男的，刚才在大排档吃了小龙虾，十几分钟后全身起大片风团，嘴唇和眼皮都肿了，说喉咙发紧、声音变哑，有点喘。以前吃海鲜只是痒一下。他自己吃了一片氯雷他定，说等等就好。没有晕倒，还能说话。",
     "吃小龙虾后全身风团 嘴唇肿 喉咙紧声音哑 男30岁",
     "Anaphylaxis (acute skin signs plus airway involvement after food allergen, WAO criteria): adrenaline needed, antihistamine insufficient → 120."),
    ("emergent", "emergency", 9, "M", ["asthma"],
     "孩子9岁男孩，有哮喘，平时用沙丁胺醇气雾剂。今天感冒后喘得厉害，一个钟头里喷了4次都不太管用，现在一句话要停好几次，坐着往前趴着喘，肋骨下面一吸一凹，嘴唇有点发紫。没发高烧。血氧夹子测出来89。",
     "9岁男娃哮喘 喷了4次药不管用 话说不成句 血氧89",
     "Severe asthma attack (reliever failing, cannot complete sentences, cyanosis, SpO2 89%): consensus Ⅱ级 SpO2 80–90% with dyspnoea → 120."),
    ("emergent", "emergency", 62, "M", ["heart disease"],
     "俺爹62岁，前年心脏放了支架，一直吃阿司匹林和氯吡格雷。这两天胃里不得劲，今早拉了两回黑得发亮、像柏油一样的大便，刚才起床一下子头晕眼花，出冷汗，脸煞白。没吐血，肚子也不咋疼。他说是昨天吃了猪血，俺不放心。",
     "俺爹62 放过支架吃阿司匹林 拉柏油样黑便2次 起床头晕冒冷汗",
     "Melaena with orthostatic dizziness and sweating on dual antiplatelets: active GI bleed (criteria 5.6), consensus Ⅱ级 → 120."),
    ("emergent", "emergency", 14, "M", [],
     "儿子14岁，凌晨4点痛醒，说左边蛋蛋突然很痛，一直痛到小肚子，吐了一次。摸着左边比右边高一点、有点肿。没有被撞到，没发烧，小便也不痛。孩子害羞一直不肯说，到现在已经疼了快3个小时。",
     "14岁男孩半夜左边蛋蛋突然剧痛3小时，吐了一次，没撞到",
     "Sudden severe testicular pain with high-riding testis and vomiting: suspected torsion, consensus Ⅱ级, salvage time-critical → ED now."),
    ("emergent", "emergency", 78, "F", ["hypertension"],
     "东北农村，我奶78岁，屋里烧炉子取暖，昨晚门窗关得溜严。早上起来她说脑袋疼得厉害、恶心，现在招呼她只会哼哼，迷迷糊糊的，我妈也头晕想吐。奶奶平时有点高血压，没摔着，也没发烧。是不是感冒了？",
     "78岁奶奶 烧炉子睡一夜 头痛呕吐 现在叫不太醒 家里人也头晕",
     "Suspected carbon monoxide poisoning with impaired consciousness (急性中毒诊治专家共识; consensus Ⅱ级 poisoning/stupor) → fresh air, 120."),
    ("emergent", "emergency", 45, "M", [],
     "45岁男，以前查出右肾有结石。前天开始右边后腰一阵一阵绞着痛，痛到大腿根，今天下午开始发冷打摆子，量体温39.3，尿少，颜色发红。吃止痛片能管一会儿。没有腹泻，不咳嗽，平时不吃别的药。",
     "45男 右肾结石 腰绞痛2天 今天打寒战 39.3度",
     "Ureteric colic with fever and rigors: possible obstructed infected kidney/urosepsis, consensus Ⅱ级 suspected sepsis → ED now."),
    ("emergent", "urgent", 31, "F", ["pregnancy"],
     "31岁，怀孕34周，头胎。这两天脚踝有点肿，今天在家用电子血压计量了两次，一次148/96，歇了十分钟再量150/98。以前血压都是110/70左右。没有头痛，看东西不花，胃上面不痛，胎动正常。需要马上去医院吗？",
     "孕34周，31岁，在家量血压150/98（复测148/96），不头痛不眼花",
     "Pregnant with confirmed BP ≥140/90 but no severe features: BP-U1 → same-day maternity assessment (NICE NG133)."),
    ("emergent", "urgent", 76, "F", ["atrial fibrillation", "anticoagulant"],
     "我妈76岁，房颤吃华法林好几年了。今早在卫生间滑了一下，后脑勺磕到洗手台，起了个鸡蛋大的包，没出血。当时没晕过去，到现在两个钟头了说话清楚，没吐，就碰的地方疼，走路稳当。我在外地，她说不用去医院。",
     "76岁女 房颤吃华法林 后脑磕洗手台2小时 没晕没吐",
     "Head injury on warfarin without current red flags: same-day hospital CT (criteria 5.6; NICE NG232 CT within 8 h) → urgent."),
    # ---------------- non-emergent ----------------
    ("non_emergent", "routine", 32, "F", [],
     "32岁女，前天开始尿频，老想上厕所，尿的时候下面烧得慌，尿完还想尿，尿有点浑。没有发烧，腰不痛，没怀孕，以前一年也就犯一次。喝了不少水还是这样，想开点药。",
     "尿频尿急尿痛2天 女32 没发烧 腰不痛 没怀孕",
     "Uncomplicated lower UTI, non-pregnant, no fever or loin pain: family doctor within days (NICE NG109), Ⅳ."),
    ("non_emergent", "routine", 40, "M", [],
     "我40岁男的，感冒到现在快两个礼拜了，鼻子一直堵，擤出来黄绿色的鼻涕，低头时脑门和脸颊胀着痛。中间好了两天又重了。体温37.4，眼睛不肿不红，看东西正常，没有剧烈头痛。平时身体好，没吃什么药。",
     "男40 感冒快两周 鼻塞黄鼻涕 脸颊胀痛 中间好转又加重",
     "Acute sinusitis >10 days with double sickening, no orbital or intracranial red flags: routine review (NICE NG79)."),
    ("non_emergent", "routine", 52, "M", [],
     "52岁，男，前晚喝了几瓶啤酒吃了海鲜，昨天半夜右脚大脚趾根突然红肿发烫，走路一瘸一拐的。以前体检尿酸高，没吃过药。没发烧，别的关节不痛，脚没受过伤。想问吃点什么药，要不要去看。",
     "52男 喝啤酒后大脚趾根红肿热痛1天 不发烧 尿酸高过",
     "Typical first gout flare (podagra) without fever or other joints: family doctor within days (NICE CKS gout), Ⅳ."),
    ("non_emergent", "urgent", 70, "F", ["hypertension"],
     "我妈70岁，血压高吃氨氯地平。前几天右边腰上一直针扎一样、火辣辣的痛，以为是腰肌劳损，昨天那里冒出一串红疙瘩和小水泡，只在右边一条。不在脸上眼睛边，没发烧，精神还行。",
     "70岁女高血压 右腰一串水泡红疹 昨天出的 火辣辣痛 不在脸上",
     "Shingles aged >50 within 72 h of rash onset: antivirals should start today (NICE CKS shingles) → same-day family doctor."),
    ("non_emergent", "routine", 45, "M", [],
     "老乡45岁男，在工地搬水泥，一个礼拜前闪了腰，现在腰痛还顺着左屁股往大腿后面、小腿外侧窜着麻痛。大小便正常，屁股周围不麻，腿有劲能走路，没发烧。贴了膏药好一点点。",
     "45男工地 腰痛窜到左腿麻 一周 大小便正常 腿有劲",
     "Sciatica without cauda equina signs, progressive weakness or fever: routine review (NICE NG59)."),
    ("non_emergent", "routine", 4, "F", [],
     "孩子4岁女孩，感冒一周了，前天晚上开始说右耳朵痛，哭闹睡不好，烧到38度，吃美林能退。耳朵没流脓水，耳朵后面不红不肿，精神吃饭都还可以，没有吐。已经第三天了还喊耳朵痛。",
     "4岁女孩 右耳痛第3天 烧38度 没流脓 耳后不肿",
     "Probable acute otitis media not settled by day 3, no mastoiditis or systemic red flags: routine review (NICE NG91)."),
    ("non_emergent", "routine", 63, "F", ["hypertension"],
     "63岁女，高血压吃缬沙坦一片。最近两周每天早晚在家量，平均差不多152/92，以前都在130左右。头不痛不晕，胸口不闷，腿不肿，药一天没漏。是不是要加药？",
     "63女高血压吃缬沙坦 两周家测平均152/92 无头痛胸闷",
     "Home BP mean above target without danger signs: BP-T1, family doctor review within 2 weeks."),
    ("non_emergent", "routine", 57, "M", ["diabetes"],
     "57岁男，二型糖尿病，吃二甲双胍一天两次。这一个礼拜空腹血糖测了5次，都在8到9点几之间，饭后两小时11左右。过年吃得多了。不口渴，没有尿多，没有头晕心慌，脚也没有破。",
     "57男2型糖尿病 这周空腹8~9.5 餐后11 没有口渴多尿",
     "7-day fasting SMBG ≥7.0 without acute symptoms or values ≥16.7: G-T1, family doctor adjustment within 2 weeks."),
    ("non_emergent", "routine", 45, "F", [],
     "45岁女，半年来总觉得累，怕冷，别人穿短袖我还要穿外套，胖了8斤，大便两三天一次，皮肤干，头发掉得多，月经量也多了。没有心慌，没有胸闷，脖子没摸到包。没吃什么药。是不是更年期？",
     "女45 半年怕冷乏力 胖8斤 便秘 掉发 没心慌",
     "Months of symptoms suggesting hypothyroidism, no acute features: routine thyroid tests (consensus Ⅳ 非急症)."),
    ("non_emergent", "routine", 38, "F", [],
     "38岁，女，上周洗澡摸到左边乳房外上面有个花生米大小的硬疙瘩，不痛，推着不太动。乳头没流水，皮肤没凹陷没发红，腋下没摸到。没在喂奶，妈妈没得过乳腺癌。心里很慌。",
     "38岁女 左乳摸到花生米大硬块 不痛 乳头无溢液",
     "New breast lump aged ≥30: suspected-cancer referral within 2 weeks (NICE NG12) → routine (days–2 weeks)."),
    ("non_emergent", "routine", 61, "M", [],
     "我家老头61岁，抽了四十年烟。咳嗽一个多月了，白痰，没见血，最近两个月瘦了四五斤，胃口一般。不发烧，走路不喘，晚上能平躺睡。吃了止咳糖浆不管用。他说老烟枪都这样。",
     "61岁男 烟龄40年 咳嗽一个多月 瘦了几斤 没咳血",
     "Cough >3 weeks with weight loss in a smoker ≥40: chest X-ray within 2 weeks (NICE NG12) → routine."),
    ("non_emergent", "routine", 5, "M", [],
     "娃5岁男孩，鼻子下面和嘴角这几天起了几个小水泡，破了结成蜂蜜色的黄痂，有点痒，他老去抠，手背上也长了一个。不发烧，精神好，吃饭玩耍都正常。幼儿园有小朋友也有。",
     "5岁男孩 口鼻周围水泡结黄痂4天 不发烧精神好",
     "Localised impetigo in a well child: family doctor within days for topical treatment (NICE NG153)."),
    ("non_emergent", "urgent", 28, "F", [],
     "28岁女，尿频尿痛三天，没管它，今天开始左边后腰痛，发烧38.7，发冷，有点恶心但能吃东西能喝水，没吐。没怀孕，以前肾没毛病，没吃药。",
     "28女 尿痛3天 今天左腰痛+发烧38.7 能吃能喝 没怀孕",
     "Acute pyelonephritis, not septic, tolerating fluids: antibiotics the same day (NICE NG111) → urgent."),
    ("non_emergent", "urgent", 70, "M", ["hypertension"],
     "我爸70岁，高血压，吃厄贝沙坦和氨氯地平。前几天药吃完了没去拿，停了四五天。今天量了186/112，坐着歇10分钟再量184/110。他说啥感觉都没有，头不痛不晕，胸口不痛，说话走路都正常。",
     "70男高血压 停药5天 血压186/112 复测184/110 没任何不舒服",
     "Confirmed ≥180/110 without symptoms or organ damage (高血压亚急症): BP-U1 → same-day family doctor."),
    ("non_emergent", "urgent", 67, "M", ["diabetes"],
     "67岁男，糖尿病十几年了，打胰岛素。脚底板前面穿新鞋磨了个泡，没在意，现在破成硬币大的口子，周围一圈红，这两天红的范围大了两指宽，摸着发热，有点黄水。脚底本来就麻，不怎么痛。没有发烧，血糖最近十点几。",
     "67男糖尿病 脚底磨破溃疡 周围红肿2天扩大 流黄水 不烧",
     "Diabetic foot ulcer with spreading cellulitis: diabetic-foot red flag → urgent referral (国家基层糖尿病防治管理指南; NICE NG19)."),
    # ---------------- self-care ----------------
    ("self_care", "self_care", 26, "F", [],
     "26岁女，前天开始嗓子有点痛，流清鼻涕，打喷嚏，今天有点咳，体温最高37.5。能吃能睡，不喘不胸闷，耳朵不痛。没有基础病，没怀孕。公司里好几个人都这样。用吃抗生素吗？",
     "26女 流清涕 喉咙痛 两天 37.5 不喘 要吃抗生素吗",
     "Uncomplicated common cold without red flags: self-care, antibiotics not needed (NICE CKS common cold)."),
    ("self_care", "self_care", 22, "M", [],
     "22岁男，昨天在三亚海边玩了一下午没擦防晒，今天肩膀和后背通红，碰一下就痛，洗澡水热一点就辣。没有起大水泡，不发烧，不头晕不恶心，喝水尿尿都正常。要不要去医院？",
     "22男 海边晒伤 肩背通红痛 没起大泡 不烧不晕",
     "Superficial sunburn without blistering or systemic symptoms: self-care (cooling, fluids, analgesia; NHS sunburn advice)."),
    ("self_care", "self_care", 35, "F", [],
     "35岁女，做会计，这半个月一周有两三回下午头两边发紧，像箍了个箍，脖子肩膀也僵。吃一片布洛芬就好，睡一觉也好。不是突然炸开那种痛，不吐，看东西清楚，手脚有劲，没发烧。血压量过118/76。",
     "35女 头两边箍紧痛 下午明显 布洛芬管用 不吐 血压正常",
     "Typical tension-type headache without red flags (not thunderclap, no neuro signs, normal BP): self-care (NICE CG150)."),
    ("self_care", "self_care", 17, "M", [],
     "17岁男，打篮球落地踩到别人脚，左脚踝崴了一下，外侧有点肿，按外脚踝下面软的地方疼，骨头那块按着不疼。当时就能自己走下场，现在走路有点瘸但能走。没听到响声，脚趾不麻。",
     "17岁男 打球崴脚 外踝轻肿 能走 骨头按着不痛",
     "Mild ankle sprain, Ottawa ankle rules negative (bears weight, no bony tenderness): self-care with RICE (NICE CKS sprains)."),
    ("self_care", "self_care", 7, "F", [],
     "孩子7岁女孩，昨天在外婆家院子里玩，胳膊上被虫子咬了，起了个一元硬币大的红包，中间一个小点，很痒。没有越来越大，摸着不烫，没有红线往上走。嘴唇不肿，不喘，没发烧。",
     "7岁女孩 胳膊虫咬红包很痒 一天 没扩大 不喘 嘴不肿",
     "Local insect-bite reaction without spreading infection or systemic allergy: self-care (NICE CKS insect bites)."),
    ("self_care", "self_care", 30, "M", [],
     "30岁男，昨晚吃了路边烧烤，今天拉了五次稀水样便，没有血，也不是黑的，肚子一阵阵咕噜痛，拉完就松快。吐了一次，之后喝淡盐水都能喝得下，尿量和颜色正常，站起来不头晕。体温37.6。",
     "30男 吃烧烤后拉稀5次 没血 能喝水 尿正常 37.6",
     "Acute gastroenteritis without dehydration, blood or high fever: self-care with oral rehydration (NICE CKS gastroenteritis)."),
    ("self_care", "self_care", 16, "F", [],
     "女儿16岁，上高一，额头和下巴长了不少小白头黑头，偶尔有几个红痘痘，没有那种又大又硬的疼包，也没留坑。她不吃什么药，月经正常，老想用手挤。想问买什么药膏。",
     "16岁女 额头下巴黑头粉刺 几个小红痘 没有硬疼包",
     "Mild comedonal/papular acne without nodules or scarring: self-care with OTC topical treatment (NICE NG198)."),
    ("self_care", "self_care", 28, "M", [],
     "28岁男，这一两个月头皮屑特别多，穿深色衣服肩膀上白白一层，头皮有点痒。没有红肿流水，没有一块块掉头发，脸上身上别的地方也没起皮疹。平时熬夜多，两天洗一次头。",
     "男28 头皮屑多 痒 俩月 不掉头发 没红疹",
     "Simple dandruff (mild seborrhoeic scalp): self-care with antifungal shampoo (NICE CKS seborrhoeic dermatitis)."),
    ("self_care", "self_care", 24, "F", [],
     "24岁女，每年春天柳絮杨絮一飞就犯，打喷嚏一个接一个，流清水鼻涕，眼睛痒得直揉，今年又开始了。不发烧，不咳嗽不喘，胸口不闷。以前没查出过哮喘。想问能吃什么药。",
     "24女 每年春天柳絮期打喷嚏眼痒流清涕 不喘",
     "Seasonal allergic rhinitis without asthma symptoms: self-care with OTC antihistamine/nasal steroid (NICE CKS allergic rhinitis)."),
    ("self_care", "self_care", 0, "M", [],
     "宝宝4个月男孩，吃完奶经常从嘴角溢出来一点，偶尔一大口吐出来，不是喷射的，吐的是奶，没有绿色黄色。体检说体重长得挺好，每天尿湿尿不湿六七片，吐完照样笑。没有发烧，不咳嗽。",
     "4个月男宝 吃完奶溢奶 不是喷射 长得好 尿不湿六七片",
     "Physiological regurgitation in a thriving infant, no red flags (not projectile, not bilious, good weight): self-care (NICE NG1)."),
    ("self_care", "self_care", 72, "M", ["hypertension"],
     "72岁男，高血压吃氨氯地平一片好几年了。这周早晚在家量，都在128到134/76到82之间，心率70左右，没有头晕，站起来眼前不发黑。想问这个血压行不行，要不要减药？",
     "72男高血压 一周家测128-134/76-82 没头晕 能减药吗",
     "Home BP at target (<135/85) and asymptomatic: reassure, keep current drug; self-care with usual quarterly follow-up (§1.2–1.6)."),
    ("self_care", "self_care", 60, "F", ["diabetes"],
     "60岁女，二型糖尿病吃二甲双胍，最近在控制饮食。今天早上空腹5.9，午饭后两小时8.6，有点担心8点多是不是高了。不口渴，没有心慌出汗，精神挺好。",
     "60女 糖尿病 空腹5.9 餐后两小时8.6 高不高",
     "Fasting 4.4–7.0 and 2-h value <10.0 are within CDS 2020 targets: reassurance, self-care."),
    ("self_care", "self_care", 27, "F", ["pregnancy"],
     "27岁，怀孕9周，这几天早上起来就恶心，闻到油烟就想吐，一天吐一次左右，吐完还能吃点饼干喝水，尿不少，颜色淡黄。没有肚子痛，下面没有出血，不发烧。这个正常吗？",
     "怀孕9周 27岁 早上恶心每天吐1次 能吃能喝 没腹痛出血",
     "Mild nausea and vomiting of pregnancy, keeping fluids down, no pain or bleeding: self-care (RCOG GTG69)."),
    ("self_care", "self_care", 45, "F", [],
     "45岁女，切菜时刀划到左手食指指肚，一厘米左右的小口子，不深，拿纸巾压了五六分钟血就止住了。手指能弯能伸，不麻。是干净的菜刀，去年打过破伤风。要不要去缝针？",
     "45女 切菜划破手指1cm 压5分钟止血 能弯能伸",
     "Small clean superficial cut, bleeding controlled, function intact: self-care (consensus Ⅳ minor wound)."),
    ("self_care", "self_care", 8, "M", [],
     "儿子8岁，这几天天气干，他老抠鼻子，刚才右边鼻子流血，低头捏住鼻子十分钟就止住了。以前偶尔也这样。身上没有乌青块，刷牙牙龈不出血，没有撞到头，精神好。没吃什么药。",
     "8岁男孩 抠鼻子流鼻血 捏10分钟止住 没乌青 牙龈不出血",
     "Anterior epistaxis stopped with pressure, no signs of bleeding disorder: self-care (NICE CKS epistaxis)."),
]


def main():
    assert len(CASES) == 45, len(CASES)
    groups = Counter(c[0] for c in CASES)
    assert groups == {"emergent": 15, "non_emergent": 15, "self_care": 15}, groups
    for g, lvl, age, sex, cond, lt, tt, why in CASES:
        assert lvl in LEVELS
        if g == "emergent":
            assert lvl in ("emergency", "urgent")
        elif g == "non_emergent":
            assert lvl in ("routine", "urgent")
        else:
            assert lvl == "self_care"
        assert set(cond) <= ALLOWED_COND, cond
        assert sex in ("M", "F")
        assert 60 <= len(lt) <= 200, (len(lt), lt)
        assert 15 <= len(tt) <= 50, (len(tt), tt)
        assert "\n" not in tt
    n_urg_ne = sum(1 for c in CASES if c[0] == "non_emergent" and c[1] == "urgent")
    assert n_urg_ne <= 4, n_urg_ne
    n_emg = sum(1 for c in CASES if c[0] == "emergent" and c[1] == "emergency")
    assert n_emg > 7, n_emg  # mostly emergency
    texts = [c[5] for c in CASES] + [c[6] for c in CASES]
    assert len(set(texts)) == len(texts), "duplicate text"

    cases = list(CASES)
    random.Random(SEED).shuffle(cases)

    longs, terses = [], []
    for i, (g, lvl, age, sex, cond, lt, tt, why) in enumerate(cases, start=1):
        for set_name, text, num, bucket in (("vignette_long", lt, i, longs),
                                            ("vignette_terse", tt, i + 45, terses)):
            rec = {"id": f"h10v-{num:03d}", "set": set_name, "text": text, "level": lvl,
                   "age": age, "sex": sex}
            if cond:
                rec["conditions"] = list(cond)
            rec["why"] = why
            rec["pair"] = i
            bucket.append(rec)

    rows = longs + terses
    with OUT.open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")

    # verify the written file
    back = [json.loads(l) for l in OUT.read_text(encoding="utf-8").splitlines()]
    assert len(back) == 90
    assert [r["id"] for r in back] == [f"h10v-{k:03d}" for k in range(1, 91)]
    by_id = {r["id"]: r for r in back}
    for k in range(1, 46):
        a, b = by_id[f"h10v-{k:03d}"], by_id[f"h10v-{k + 45:03d}"]
        assert a["pair"] == b["pair"] == k and a["level"] == b["level"]
    tab = Counter((r["set"], r["level"]) for r in back)
    order = ["emergency", "urgent", "routine", "self_care"]
    print(f"wrote {len(back)} rows to {OUT}")
    print(f"{'set':16}" + "".join(f"{l:>11}" for l in order) + f"{'total':>8}")
    for s in ("vignette_long", "vignette_terse"):
        print(f"{s:16}" + "".join(f"{tab[(s, l)]:>11}" for l in order)
              + f"{sum(tab[(s, l)] for l in order):>8}")
    print(f"{'all':16}" + "".join(f"{tab[('vignette_long', l)] + tab[('vignette_terse', l)]:>11}" for l in order)
          + f"{len(back):>8}")
    print("group x level:", sorted(Counter((c[0], c[1]) for c in CASES).items()))
    ll = [len(c[5]) for c in CASES]; tl = [len(c[6]) for c in CASES]
    print(f"long length {min(ll)}-{max(ll)} (mean {sum(ll)/45:.0f}); terse {min(tl)}-{max(tl)} (mean {sum(tl)/45:.0f})")


if __name__ == "__main__":
    main()
