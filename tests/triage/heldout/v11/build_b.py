#!/usr/bin/env python3
"""Held-out set v11, part B: 45 standardized-patient vignettes (Semigran-style groups:
15 emergent / 15 non-emergent / 15 self-care), each written twice (long + terse).
Cases are written by hand below; this script only shuffles (seed 1131), assigns ids,
checks composition and lengths, and writes the JSONL."""
import json
import os
import random
from collections import Counter

SEED = 1131
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                   "triage_heldout_v11_vignettes.jsonl")

# (group, level, age, sex, conditions_long, conditions_terse, long_text, terse_text, why)
# group: E = emergent, N = non-emergent, S = self-care (Semigran 2015 groups)
CASES = [
    # ---------------- emergent ----------------
    ("E", "emergency", 32, "F", [], [],
     "我老婆32岁，半个月前剖腹产生的二胎，这些天一直躺床上坐月子。今天下午突然喘不上气，一吸气右边胸口就刺着疼，左边小腿比右边粗了一圈还发紧，手环显示心跳118。没发烧，也没咳嗽，就是心慌。这要紧不？",
     "32岁女，剖宫产后两周，突然气短+吸气时胸痛，左小腿肿，无发热",
     "Postpartum + immobile, sudden dyspnoea, pleuritic pain, unilateral calf swelling, HR 118: suspected PE = consensus Ⅱ → 120."),
    ("E", "emergency", 19, "M", [], [],
     "我是大一学生，19岁男，住学校宿舍。昨晚开始发高烧，量了39.6，头疼得像要炸开，脖子硬得低不下头，吐了两回，一开灯眼睛就刺得慌。刚发现两条小腿上有些紫红色小点点，拿玻璃杯压着也不褪色。没摔过，没乱吃东西。",
     "男19 高烧39.6 头痛欲裂 脖子硬 腿上紫点压不褪色",
     "Fever, neck stiffness, photophobia, vomiting and a non-blanching rash: suspected meningococcal disease (NICE NG240) = Ⅰ/Ⅱ → 120."),
    ("E", "emergency", 68, "M", ["hypertension"], ["hypertension"],
     "俺老头子68岁，高血压吃了好些年药。今早吃早饭时筷子突然从右手掉了，右胳膊抬不起来，嘴角往左边歪，说话含含糊糊听不清。到现在大概四十分钟了。没摔倒，人是清醒的，也没喊头疼。要不要先让他躺着歇歇看？",
     "68岁男，高血压，40分钟前突发右手无力、嘴歪、说话含糊",
     "Sudden face droop, arm weakness and slurred speech (中风120 / BE-FAST) within the thrombolysis window: acute stroke = Ⅱ → 120."),
    ("E", "emergency", 63, "F", ["diabetes"], ["diabetes"],
     "我在外地打工，刚才我爸打电话来，说我妈（63岁，得糖尿病十来年了）半个钟头前在家择菜，突然说胸口闷、心口窝那块难受，出了一身冷汗，想吐，左胳膊发麻，坐下歇了一阵也不见好。以前从没这样过。她自己说是老胃病犯了，让我爸去找胃药。我隔着几百里干着急，吃点胃药能行吗？",
     "女63 糖尿病 胸闷心口难受半小时 冷汗恶心 歇了不缓解",
     "Chest/epigastric discomfort >15 min at rest with sweating, nausea and arm numbness in a diabetic: cardiac-type chest pain = Ⅱ (急性胸痛共识) → 120."),
    ("E", "emergency", 15, "M", ["diabetes"], ["diabetes"],
     "孩子15岁男，一型糖尿病天天打胰岛素。前天开始拉肚子吃不下饭，我们怕低血糖就把胰岛素停了。今天一直吐，喊肚子疼，喘气又深又快，嘴里一股烂苹果味，人迷迷糊糊的，叫他才应一声。血糖仪直接显示HI。没有发烧，没摔着。",
     "15岁男孩 1型糖尿病停了胰岛素 呕吐肚子痛 喘气深快 血糖仪HI",
     "G-E2: BG ≥16.7 ('HI') with vomiting, abdominal pain, Kussmaul breathing and drowsiness after stopping insulin: suspected DKA → 120."),
    ("E", "emergency", 27, "F", ["pregnancy"], ["pregnancy"],
     "我27岁，月经推迟快两周，前几天验孕棒两道杠，还没去医院做B超。今早开始左下边肚子一阵阵疼，越来越厉害，下面有点咖啡色的血。刚才上厕所差点晕过去，右边肩膀也说不出的酸。没发烧，没拉肚子。",
     "27岁女 验孕阳性没做B超 左下腹痛加重+少量出血 头晕差点晕倒",
     "Early pregnancy of unknown location with unilateral pain, bleeding, near-syncope and shoulder-tip pain: suspected ruptured ectopic = Ⅱ → 120."),
    ("E", "emergency", 35, "M", [], [],
     "我老公35岁，半小时前在大排档吃了麻辣小龙虾，现在全身起一块块风团，嘴唇肿得老高，说嗓子眼发紧，声音都哑了，人有点晕乎乎的。以前吃海鲜最多就是痒。没有哮喘，家里也没肾上腺素笔。我们想先吃片氯雷他定看看行不行？",
     "35M，吃小龙虾后30min全身起风团、嘴唇肿、喉咙发紧，声音哑了，以前只是痒",
     "Acute skin involvement plus airway compromise (throat tightness, hoarseness) and dizziness after a food allergen: anaphylaxis (WAO) = Ⅰ/Ⅱ → 120, IM adrenaline."),
    ("E", "emergency", 9, "M", ["asthma"], ["asthma"],
     "儿子9岁，有哮喘。今天大扫除以后开始喘，一个钟头里用了三次沙丁胺醇喷雾，一点不管用。现在说一句话要分好几口气，肩膀一耸一耸的，嘴唇有点发乌。家里手指夹的血氧仪测了89。没发烧，没呛到东西。",
     "9岁男孩哮喘发作，喷药3次无效，说话断续，血氧89",
     "Severe acute asthma: reliever ineffective, cannot finish sentences, cyanosis, SpO2 89% (consensus Ⅱ SpO2 80–90%) → 120."),
    ("E", "emergency", 58, "M", [], [],
     "我爸58岁，平时血压不高，没有肝病，就是膝盖疼，一直自己在药店买阿司匹林加布洛芬吃，吃了大半年。这两天大便黑乎乎的像柏油，今天中午还吐了一口咖啡渣一样的东西，一站起来就头晕眼发黑，脸煞白。肚子倒不怎么疼，也没发烧。他非说是前天吃了猪血旺才拉黑的，死活不肯去医院，说躺躺就好。",
     "58岁男 服阿司匹林+布洛芬 黑便2天 今吐咖啡色物 站起头晕",
     "Melaena plus coffee-ground haematemesis with postural dizziness on aspirin/NSAID: active upper GI bleed = Ⅱ → 120 (not explained by food)."),
    ("E", "emergency", 0, "M", [], [],
     "宝宝2个月大，男孩，今天下午开始发烧，耳温38.4度，奶比平时少吃了一半，人有点蔫，哭声也小。最近没打疫苗，没咳嗽，没拉肚子，身上没疹子。能不能先在家贴个退热贴观察一晚上？",
     "宝宝男 2个月 发烧38.4 吃奶少一半 没精神",
     "Infant <3 months with T ≥38 °C, reduced feeding and lethargy: NICE NG143 red features → emergency paediatric assessment now."),
    ("E", "emergency", 14, "M", [], [],
     "我儿子14岁，凌晨两点突然疼醒，说左边蛋蛋剧痛，往小肚子里抽着疼，还吐了一次。没被踢到撞到，前几天都好好的，也没发烧。孩子不好意思讲，拖到现在快两个小时了，能等天亮挂个门诊吗？",
     "男孩14岁 左侧睾丸突然剧痛2小时 吐了一次 没受伤",
     "Sudden severe testicular pain with vomiting in an adolescent: suspected testicular torsion = Ⅱ; salvage is time-critical → ED now."),
    ("E", "emergency", 61, "F", [], [],
     "东北这疙瘩冷俺家烧煤炉子取暖今早起来俺妈61了和俺爸都说脑瓜子疼得厉害恶心腿发软俺妈吐了一回刚才上厕所还晕倒了一下现在叫她能答应但反应慢半拍炉子烟囱好像堵了俺自己也有点迷糊",
     "俺妈61 烧煤炉子 早上头痛恶心 晕倒一次 全家都头晕",
     "Several household members ill with a coal stove and blocked flue, syncope and slowed response: suspected CO poisoning = Ⅱ (急性中毒诊治共识) → fresh air, 120."),
    ("E", "urgent", 18, "M", [], [],
     "我18岁男，高三。昨天晚上肚脐周围隐隐作痛，今天上午疼到右下腹去了，按下去松手时更疼，走路一颠就疼。体温37.9，不想吃饭，恶心但没吐。大便正常没拉肚子，小便不疼。还能自己走，疼大概五分。",
     "18岁男 肚脐周围痛转右下腹1天 37.9 没胃口 不拉肚子",
     "Migratory RLQ pain with rebound and low-grade fever, moderate pain (4–6/10), stable: suspected appendicitis = consensus Ⅲ → hospital surgical assessment today."),
    ("E", "urgent", 29, "F", ["pregnancy"], ["pregnancy"],
     "我怀孕34周，头胎，29岁。这两天脚肿得厉害，下午在家用电子血压计量了两次，都是148/96左右，以前产检都是110/70上下。没有头疼，看东西不花，胃那块不疼，胎动跟平时一样。要紧吗？",
     "孕34周 29岁 家测血压148/96两次 脚肿 无头痛眼花",
     "BP-U1: pregnant with confirmed BP ≥140/90, no severe features (headache, visual change, epigastric pain): same-day obstetric assessment for pre-eclampsia (NICE NG133)."),
    ("E", "urgent", 55, "M", [], [],
     "我55岁男，上礼拜坐了二十多个钟头长途大巴回老家，这两天右小腿肿胀发紧，按着疼，比左腿粗了一圈，皮肤有点发红发热。气不喘，胸口不疼，没咳血。以前没得过血栓。贴张膏药可以不？",
     "右小腿肿痛2天，之前坐了20多小时长途车，55岁男，比左腿粗，不喘不胸痛",
     "Unilateral calf swelling and tenderness after prolonged travel, no PE features: suspected DVT (NICE NG158) → same-day assessment/ultrasound, consensus Ⅲ."),
    # ---------------- non-emergent ----------------
    ("N", "routine", 28, "F", [], [],
     "我28岁女的，前天开始小便又急又频，尿完还火辣辣地疼，老觉得没尿干净。没有发烧，腰不疼，尿里没看到血，也没怀孕，月经刚走。以前没得过这个，多喝水能好吗？",
     "女，28，尿频尿急尿痛两天，没发烧，腰不疼，没怀孕",
     "Uncomplicated lower UTI in a non-pregnant woman, no fever or loin pain (NICE NG109): consensus Ⅳ → family doctor within days."),
    ("N", "routine", 40, "M", [], [],
     "我40岁男，感冒后鼻子一直堵着，擤出来是黄绿色的鼻涕，一低头两边脸蛋和脑门就发胀发疼，已经十二三天了还不见好。体温正常，眼睛不肿，看东西清楚，也没有剧烈头痛。自己买的鼻炎药没啥用。",
     "是鼻窦炎吗？40岁男 黄脓鼻涕 脸颊胀痛12天 不发烧 眼不肿",
     "Rhinosinusitis >10 days without red flags (periorbital swelling, visual change, severe headache) (NICE NG79): Ⅳ → family doctor review."),
    ("N", "routine", 52, "M", [], [],
     "本人52岁男，昨晚上喝了几瓶啤酒吃了海鲜，半夜右脚大脚趾根突然红肿发烫，痛得铺盖都不敢搭。前年也这样犯过一回，医生说是痛风。现在莫得发烧，别的关节不痛，还走得到几步。屋头还有点秋水仙碱，能不能吃？",
     "52岁男 右脚大拇趾红肿热痛一夜 痛风史 没发烧",
     "Typical recurrent gout flare in one joint, afebrile (NICE CKS gout): Ⅳ hot swollen joint with known cause → family doctor within days."),
    ("N", "urgent", 66, "F", [], [],
     "我妈66岁，前天左边腰上开始火烧火燎地疼，今天冒出一条带子样的红疹，上面一簇一簇小水泡，只在左边，没过肚脐中线。脸上眼睛周围没有，不发烧，精神还行。隔壁婶子说是缠腰龙，涂点墨汁就行？",
     "66岁女｜左腰一条带状水疱、烧灼痛｜出疹1天｜眼周没有｜不发烧",
     "Shingles in a person >50 within 72 h of rash onset: antiviral should start now (NICE CKS shingles) → same-day doctor."),
    ("N", "routine", 45, "M", [], [],
     "俺是男的，45岁，在物流仓库搬货。上周搬箱子闪了腰，之后腰疼顺着右边屁股往下窜到小腿肚，咳嗽时更明显。大小便都正常，屁股周围不麻，腿有劲能走路，没发烧，没摔过。贴了膏药好一点点。",
     "男45 搬货后腰痛放射到右小腿1周 大小便正常 腿有力",
     "Sciatica without red flags (no saddle anaesthesia, sphincter disturbance, motor loss or fever) (NICE NG59): Ⅳ → routine review."),
    ("N", "routine", 4, "F", [], [],
     "女儿4岁，感冒好几天了，昨晚开始哭着说右边耳朵疼，摸着有点烫，量了38.3。吃了美林睡着了，今天还能吃饭喝水，小便正常。耳朵没流脓，耳朵后面不红不肿，脖子转得动。要去医院吗还是再等等？",
     "4岁女孩 感冒后右耳痛 烧38.3 能吃能喝 耳朵没流脓",
     "Acute otitis media in a well child without mastoid swelling or systemic features (NICE NG91): analgesia, family doctor review within days."),
    ("N", "routine", 70, "M", ["hypertension"], ["hypertension"],
     "我70岁男 高血压吃苯磺酸氨氯地平一天一片 这两周早晚在家量 高压大多在150到158 低压88上下 最高一次162/90 头不疼不晕 胸口不闷 手脚有劲 是不是药量不够了",
     "70岁男 高血压吃药 两周家测150-158/88 头不痛不晕",
     "BP-T1: home BP above target (<150/90 at 65–79; home <135/85), no danger signs, <180/110 → family doctor review within 2 weeks (规范 控制不满意)."),
    ("N", "routine", 61, "M", ["diabetes"], ["diabetes"],
     "我爸61岁，二型糖尿病吃二甲双胍。过年吃得多，这一周早上空腹血糖都在8.3到9.1之间，饭后没测。没有口渴得厉害，没吐，人精神，体重也没掉。他问要不要自己把药加一片？",
     "61岁男 2型糖尿病 一周空腹血糖8~9 不口渴 没不舒服",
     "G-T1: fasting ≥7.0 mmol/L over a week, <16.7 and no danger symptoms → family doctor adjustment, revisit in 2 weeks (规范)."),
    ("N", "routine", 42, "F", [], [],
     "我今年42岁，女。洗澡时摸到左边乳房外上方有个花生米大的硬疙瘩，不疼，推着不太动，两个多礼拜了也没变小。乳头没流水，皮肤没凹进去也不红，胳肢窝没摸到东西。月经正常。",
     "42岁女 左乳无痛硬块两周多 乳头无溢液 皮肤不红",
     "New painless breast lump at age >30 (NICE NG12): suspected-cancer referral within 2 weeks; not acute → Ⅳ routine."),
    ("N", "urgent", 35, "M", [], [],
     "我35岁男，今早刷牙发现右边嘴角漏水，照镜子右半边脸耷拉着，右眼闭不严，右边额头也皱不起来。耳朵后面前两天有点疼。两只手都有劲，说话清楚，走路稳当，头不疼。是不是中风了？",
     "35岁男 今早右边面瘫 抬不起眉 眼闭不上 手脚正常 说话清楚",
     "Isolated lower-motor-neuron facial palsy (forehead involved), limbs/speech/gait normal: Bell's palsy, not BE-FAST stroke → same-day review, steroids within 72 h (NICE CKS)."),
    ("N", "routine", 8, "M", [], [],
     "孩子8岁男孩，鼻孔下面和嘴角起了几个小脓疱，破了以后结了一层蜂蜜色的黄痂，有点痒，这几天又多出两处。不发烧，精神好吃饭香，别的地方没有。老师让先别去学校，要抹啥药？",
     "8岁男孩 口鼻周围黄痂脓疱 越来越多 不发烧 精神好",
     "Localised non-bullous impetigo in a well child (NICE NG153): Ⅳ → family doctor within days for topical treatment."),
    ("N", "routine", 30, "F", [], [],
     "我30岁，生完孩子六周了。最近老想哭，对啥都提不起劲，宝宝睡了我也睡不着，总觉得自己当不好妈妈。不过从来没想过伤害自己或者孩子，奶也还在喂，婆婆在家帮忙。这算产后抑郁吗？",
     "30岁女 产后6周 情绪低落爱哭 失眠 没有伤害自己的念头",
     "Possible postnatal depression without thoughts of self-harm or harm to the baby (NICE CG192): consensus Ⅳ behavioural change without danger → assessment within days."),
    ("N", "routine", 78, "F", [], [],
     "我外婆78岁，外公走了以后一个人住在湖南老家，我在深圳上班，一个礼拜打两次电话。这半年发现她记性越来越差，同一件事电话里问好几遍，邻居说她烧饭忘关火两回，钥匙老找不到。不过人都认得，说话利索，手脚灵活，没摔过跤，不发烧，也不是哪天突然变成这样的，是慢慢的。过年回去要带她查什么？",
     "外婆78岁，记性半年来慢慢变差，总重复问话，不是突然的，手脚说话都正常",
     "Gradual cognitive decline over months with no acute change (no delirium or stroke features) (NICE NG97): routine memory assessment; Ⅳ."),
    ("N", "urgent", 70, "M", ["copd"], ["copd"],
     "老伴70岁，慢阻肺好些年了。这三天他痰多了，从白的变成黄的，走路比平时喘得厉害一点，晚上还能躺平睡。家里指夹血氧测了95、96，不发烧，嘴唇不紫，说话连贯。一直用噻托溴铵，要不要加点药？",
     "70岁男 慢阻肺 痰多变黄3天 稍喘 血氧95 不发烧",
     "COPD exacerbation with purulent sputum, SpO2 ≥94% and no distress (triage_criteria §5.6) → family doctor within 24 h; NICE NG115 antibiotic consideration."),
    ("N", "routine", 75, "F", ["hypertension"], ["hypertension"],
     "我75岁女，有高血压，吃着药。儿子给新买了个电子血压计，这一周量了十几回，好几次屏幕上都显示心律不齐的标志，心跳在80到95之间跳来跳去，血压倒是130/80上下挺稳。我不心慌，不胸疼，不气短，没晕过，手脚有劲说话也利索。以前没人说过我心脏有毛病。需要做啥检查吗？",
     "75岁女 高血压 血压计一周提示心律不齐 心率80-95 不心慌",
     "Possible new AF, rate <110, asymptomatic and haemodynamically stable: ECG and stroke-risk assessment within days (NICE NG196); Ⅳ."),
    # ---------------- self-care ----------------
    ("S", "self_care", 30, "F", [], [],
     "30岁女，前天起流清涕打喷嚏嗓子疼，今天37.6。吃睡正常，不喘，胸不疼，耳朵不疼，没基础病，同事好几个都这样。要吃抗生素吗？",
     "感冒2天 流涕咽痛 37.6 不喘 女30",
     "Uncomplicated viral URTI, low-grade temperature, no red flags (NICE CKS common cold): self-care, no antibiotics."),
    ("S", "self_care", 22, "M", [], [],
     "我22岁男的，昨天去海边玩了一下午没涂防晒，今天后背和肩膀通红，一碰就疼，洗澡都龇牙咧嘴😭 有几个米粒大的小水泡，没有成片起泡。不发烧，不头晕，喝水正常，尿也正常。疼死了有啥办法？",
     "22岁男 海边晒伤1天 背部红痛 个别小水泡 不发烧不晕",
     "Sunburn without extensive blistering, fever or heat-illness features (NICE CKS sunburn): self-care (cooling, analgesia, fluids)."),
    ("S", "self_care", 35, "F", [], [],
     "我35岁女，做会计，这礼拜天天加班对着电脑。每天下午开始两边太阳穴到后脑勺像箍了一圈，紧紧的，不算太疼，睡一觉第二天早上就好了。不吐，看东西不模糊，手脚不麻，不是突然炸开那种疼，以前也有过。血压正常。",
     "女35 加班后两侧头紧箍样痛 睡后好 不吐 视物正常",
     "Typical tension-type headache with no red flags (not thunderclap, no vomiting, visual or neuro signs) (NICE CG150): self-care."),
    ("S", "self_care", 17, "F", [], [],
     "闺女17岁，打篮球崴了右脚脖子，外边有点肿，走路一瘸一拐但能自己走，按脚踝两边骨头尖那里不怎么疼，脚背脚底也不疼。没听见咔的响声，脚趾能动不麻。已经冰敷了半小时。要拍片子吗？",
     "17岁女 崴右脚 外踝轻肿 能走 骨头不痛",
     "Ottawa ankle rules negative (weight-bearing, no malleolar or midfoot bone tenderness): mild sprain → rest, ice, compression, elevation at home."),
    ("S", "self_care", 6, "M", [], [],
     "我个仔6岁，琴日喺乡下外婆屋企玩，腿上被蚊咬了七八个包，抓到红红的，有两个有一蚊硬币咁大。面唔肿，嘴唇唔肿，冇喘，冇发烧，包都冇流脓，冇越来越大。使唔使食药？",
     "6岁男孩 腿上蚊子包七八个 很痒 脸不肿 不喘不烧",
     "Local reactions to mosquito bites, no systemic allergy or infection (NICE CKS insect bites): self-care (cold compress, oral antihistamine)."),
    ("S", "self_care", 40, "M", [], [],
     "我40岁男，昨晚吃了路边摊，夜里开始拉肚子，到现在拉了五次稀水样的，肚子一阵阵绞着疼，拉完就松快些，吐过一次。能喝水，小便颜色正常量也有，没发烧，大便里没血，站起来不头晕。",
     "40岁男 拉肚子5次+吐1次 一天 能喝水 尿正常 无便血",
     "Acute gastroenteritis without dehydration, blood or fever (NICE CKS gastroenteritis): oral rehydration at home."),
    ("S", "self_care", 16, "F", [], [],
     "我16岁女生，读高一，额头和下巴冒了好多小红痘和白头，来月经前更多😢 没有那种大的硬包或者脓包，也没留坑，不发烧。妈妈说青春期正常，我就想问洗面奶怎么选，能不能自己挤？",
     "16岁女 额头下巴粉刺红痘 经前多 无硬结无疤",
     "Mild acne (comedones and papules, no nodules or scarring) (NICE NG198): self-care with skin care/OTC benzoyl peroxide, no squeezing."),
    ("S", "self_care", 25, "M", [], [],
     "25岁男，头皮屑特别多，黑衣服肩上一层白，有点痒。头皮不红不流水，没成块掉头发，身上也没长癣。换了两种洗发水都没啥用，严重不？",
     "头皮屑多有点痒，25岁男，头皮不红",
     "Dandruff without inflammation or hair loss (NICE CKS seborrhoeic dermatitis): self-care with antifungal shampoo."),
    ("S", "self_care", 28, "F", [], [],
     "我28岁女，每年春天柳絮一飞就开始打喷嚏流清鼻涕，眼睛痒得想挖出来。今年又来了，已经一个礼拜。不发烧，不喘，不咳嗽，没得过哮喘，就是晚上鼻子有点堵。药店买的氯雷他定能一直吃吗？",
     "28岁女 每年春天喷嚏清涕眼痒 本次1周 不喘不烧",
     "Seasonal allergic rhinitis without asthma (NICE CKS allergic rhinitis): self-care with OTC antihistamine or nasal steroid."),
    ("S", "self_care", 0, "F", [], [],
     "阿拉囡囡8个月，这几天口水多得衣裳都湿了，抓到啥都往嘴里塞了啃，下面牙床鼓起来发白，夜里有点作。腋下量37.3。吃奶正常，尿不湿一天换六七片，不拉不吐，身上没疹子。是要出牙了吧？",
     "8个月女婴 流口水啃手 牙龈鼓 37.3 吃奶正常",
     "Teething; T <38 °C with normal feeding and wet nappies, no NICE NG143 amber/red features: self-care."),
    ("S", "self_care", 68, "F", ["hypertension"], ["hypertension"],
     "俺娘68岁，高血压吃缬沙坦好几年了，一天一片没断过。上个月村里体检说让她在家多量量，这礼拜每天早上起来先量再吃药，高压128到135，低压78到82，心跳七十来下。她不头晕不头疼，胸口不闷，腿脚不肿，吃得好睡得香。老太太就是心细，想问问这个数中不中，药能不能减点？",
     "68岁女 高血压吃药 早上家测130/80左右 没不舒服 正常吗",
     "Home BP at target for age (规范 <150/90, <140/90 if tolerated; home ~<135/85), no symptoms: reassuring answer, continue drug, routine follow-up."),
    ("S", "self_care", 26, "F", ["pregnancy"], ["pregnancy"],
     "我怀孕11周，26岁，头胎。早上起来就恶心，闻到油烟味就想吐，一天吐一两次，但吃点饼干、喝水都能留住，小便次数和颜色正常，不头晕，体重没怎么掉。没有肚子疼也没见红。这正常吗？",
     "孕11周 26岁 早上恶心一天吐1-2次 能吃能喝 无腹痛出血",
     "Mild nausea and vomiting of pregnancy, keeping fluids down, no dehydration, pain or bleeding (NICE CKS; RCOG GTG69): self-care."),
    ("S", "self_care", 31, "F", [], [],
     "我31岁，生完宝宝四个月了，最近洗头梳头一掉一大把，前面发际线都稀了，吓死人。头皮不痒不红，没有一块块秃的，人不怕冷不心慌，月子里查过血说不贫血。是不是要补点啥？",
     "产后4个月掉发严重 31岁女 头皮正常 没有斑秃 不心慌",
     "Postpartum telogen effluvium: diffuse shedding, normal scalp, no thyroid or anaemia symptoms → reassurance, self-limiting."),
    ("S", "self_care", 7, "M", [], [],
     "儿子7岁，今天下午抠鼻子流鼻血了，左边鼻孔，我让他头往前低、捏住鼻子十分钟就止住了。以前天干的时候也流过一两回。身上没有乌青块，刷牙牙龈不出血，没撞到头，也没吃什么药。要去医院查吗？",
     "7岁男孩 抠鼻后流鼻血 捏10分钟止住 身上无淤青",
     "Anterior epistaxis stopped with pressure, no trauma or bleeding tendency (NICE CKS epistaxis): self-care."),
    ("S", "self_care", 24, "M", [], [],
     "我24岁男，前天第一次去健身房练腿，深蹲做了好多组，今天两条大腿酸疼得下楼梯都得扶墙。腿不肿，小便是正常的淡黄色，不是酱油色，不发烧，两条腿疼得一样。这正常吧？",
     "男24 练腿后大腿酸痛 尿不是酱油色",
     "Delayed-onset muscle soreness, symmetrical, normal urine colour (no rhabdomyolysis features): self-care (rest, gentle movement)."),
]

ALLOWED_COND = {"hypertension", "diabetes", "pregnancy", "atrial fibrillation", "copd",
                "asthma", "anticoagulant", "heart disease"}


def check(cases):
    assert len(cases) == 45, len(cases)
    groups = Counter(c[0] for c in cases)
    assert groups == {"E": 15, "N": 15, "S": 15}, groups
    for g, lvl, age, sex, cl, ct, lt, tt, why in cases:
        if g == "E":
            assert lvl in ("emergency", "urgent")
        elif g == "N":
            assert lvl in ("routine", "urgent")
        else:
            assert lvl == "self_care"
        assert 60 <= len(lt) <= 200, (len(lt), lt)
        assert 15 <= len(tt) <= 50, (len(tt), tt)
        assert set(cl) <= ALLOWED_COND and set(ct) <= ALLOWED_COND
        assert sex in ("M", "F", None)
        assert why
    e = Counter(c[1] for c in cases if c[0] == "E")
    n = Counter(c[1] for c in cases if c[0] == "N")
    assert e["emergency"] > e["urgent"], e          # mostly emergency
    assert n["urgent"] <= 4, n
    texts = [c[6] for c in cases] + [c[7] for c in cases]
    assert len(set(texts)) == len(texts), "duplicate text"


def record(id_, set_, text, level, age, sex, conds, why, pair):
    r = {"id": id_, "set": set_, "text": text, "level": level}
    if age is not None:
        r["age"] = age
    if sex is not None:
        r["sex"] = sex
    if conds:
        r["conditions"] = list(conds)
    r["why"] = why
    r["pair"] = pair
    return r


def main():
    check(CASES)
    cases = list(CASES)
    random.Random(SEED).shuffle(cases)
    longs, terses = [], []
    for i, (g, lvl, age, sex, cl, ct, lt, tt, why) in enumerate(cases):
        pair = i + 1
        longs.append(record(f"h11v-{pair:03d}", "vignette_long", lt, lvl, age, sex, cl, why, pair))
        terses.append(record(f"h11v-{pair + 45:03d}", "vignette_terse", tt, lvl, age, sex, ct, why, pair))
    rows = longs + terses
    comp = Counter((r["set"], r["level"]) for r in rows)
    assert sum(comp.values()) == 90
    for lvl in ("emergency", "urgent", "routine", "self_care"):
        assert comp[("vignette_long", lvl)] == comp[("vignette_terse", lvl)]
    with open(OUT, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print("wrote", OUT, len(rows), "rows")
    levels = ("emergency", "urgent", "routine", "self_care")
    print("set            " + " ".join(f"{l:>10}" for l in levels) + "  total")
    for s in ("vignette_long", "vignette_terse"):
        print(f"{s:15}" + " ".join(f"{comp[(s, l)]:>10}" for l in levels)
              + f"  {sum(comp[(s, l)] for l in levels):>5}")
    print("groups x level:", sorted(Counter((c[0], c[1]) for c in CASES).items()))
    ll = [len(c[6]) for c in CASES]
    tl = [len(c[7]) for c in CASES]
    print("long len min/max/mean", min(ll), max(ll), sum(ll) / len(ll))
    print("terse len min/max/mean", min(tl), max(tl), sum(tl) / len(tl))


if __name__ == "__main__":
    main()
