#!/usr/bin/env python3
"""Held-out set v9 part B: 45 paired standardized-patient vignettes (long + terse).
Cases written by hand; ids assigned after a seeded shuffle (random.Random(9929))."""
import json, os, random
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "triage_heldout_v9_vignettes.jsonl")
SEED = 9929

HT, DM, PG, AF, AC, AS, HD = ("hypertension", "diabetes", "pregnancy", "atrial fibrillation",
                              "anticoagulant", "asthma", "heart disease")

def m(age=None, sex=None, conds=None):
    return {"age": age, "sex": sex, "conditions": conds or []}

# (group, level, long_text, long_meta, terse_text, terse_meta, why)
CASES = [
# ---------------- emergent (15) ----------------
("emergent", "emergency",
 "孩子16岁男孩，昨天晚上开始肚脐周围疼，今天早上疼到右下边去了，一按就疼，松手更疼，走路都得弯着腰，吐了两次，量了38.3度。没拉肚子，小便正常，以前没做过手术。疼得直哼哼，是不是吃坏了肚子？",
 m(16, "M"),
 "16岁男孩，脐周痛转到右下腹一天，38.3度，吐两次，走路弯腰，没拉肚子",
 m(16, "M"),
 "Migratory RLQ pain with rebound, fever, vomiting: suspected appendicitis with severe pain → ED now (consensus Ⅱ severe abdominal pain)"),
("emergent", "emergency",
 "我剖腹产完两个礼拜，31岁，今天下午在家突然喘不上气，吸气的时候右边胸口刺着疼，心跳得好快，左边小腿这几天又肿又胀比右边粗一圈。没发烧，没咳嗽，刀口不红不流水。以前身体好好的。是不是月子里累着了？",
 m(31, "F"),
 "女31y 剖宫产后2周 突然气短+吸气胸痛 左小腿肿粗 不发烧",
 m(31, "F"),
 "Postpartum sudden dyspnoea + pleuritic pain + unilateral calf swelling: suspected PE → 120 (consensus Ⅱ chest pain with suspected PE)"),
("emergent", "emergency",
 "女儿19岁在学校住宿，同宿舍的发消息说她从昨晚发烧39度多，头疼得厉害，脖子硬低不下头，怕光，刚才还吐了，腿上出了些紫红色的小点点，拿玻璃杯压着也不褪。人还能说话但是迷迷糊糊的。没有外伤。",
 m(19, "F"),
 "19岁女生高烧39头痛欲裂脖子硬 腿上紫点压不褪 人迷糊",
 m(19, "F"),
 "Fever, neck stiffness, non-blanching rash, altered consciousness: suspected meningococcal disease → 120 (NICE NG240; consensus Ⅱ suspected sepsis)"),
("emergent", "emergency",
 "俺爹68了，有高血压一直吃着药。今天早上六点多起来还好好的，七点吃饭时候筷子掉了，右手抬不起来，说话大舌头含含糊糊，嘴角往左边歪。不头疼，没摔着，没抽风。俺娘说让他躺会儿看看，中不中？",
 m(68, "M", [HT]),
 "男68 高血压 今早7点突然右手抬不起 说话含糊 嘴歪",
 m(68, "M", [HT]),
 "Sudden arm weakness, slurred speech, facial droop within thrombolysis window: 中风120/BE-FAST → 120 (acute stroke = consensus Ⅱ)"),
("emergent", "emergency",
 "我56岁，糖尿病好几年了吃二甲双胍。半小时前搬货的时候胸口发闷，像压了块石头，往左胳膊和下巴窜，出了一身冷汗，歇了二十多分钟也没缓过来，有点恶心。以前没这样过。没咳嗽没发烧。应该是累着了吧？",
 m(56, None, [DM]),
 "56岁男糖尿病，胸口压着闷痛半小时窜左臂，冷汗，歇了不缓",
 m(56, "M", [DM]),
 "Pressure-type chest pain >15 min radiating to arm/jaw with sweating, not relieved by rest: suspected ACS → 120 (cardiac chest pain = consensus Ⅱ)"),
("emergent", "emergency",
 "孩子14岁女，1型糖尿病打胰岛素。这两天感冒没怎么吃饭，我就少给她打了几针。今天一直吐，说肚子疼，喘气又深又快，嘴里一股烂苹果味，血糖仪显示HI测不出来。人还醒着但很没精神。没拉肚子。",
 m(14, "F", [DM]),
 "14岁女孩 1型糖尿病 血糖HI 吐+肚子疼 喘气深快 烂苹果味",
 m(14, "F", [DM]),
 "Glucose HI with vomiting, abdominal pain, Kussmaul breathing, ketotic breath: suspected DKA → 120 (rule G-E2)"),
("emergent", "emergency",
 "我28岁，月经推迟快两周了，今早验孕棒两道杠。中午开始左边小肚子一阵阵绞着疼，下面有点咖啡色的血，刚才上厕所眼前一黑差点晕倒，肩膀也有点酸。以前没怀过，没做过B超。没发烧。这算正常的早孕反应吗？",
 m(28, "F", [PG]),
 "28女，停经6周验孕阳性，左下腹绞痛+少量出血，差点晕倒",
 m(28, "F", [PG]),
 "Positive test, unilateral pelvic pain, bleeding, near-syncope, shoulder-tip pain: suspected ruptured ectopic → 120 (consensus Ⅱ ectopic pregnancy)"),
("emergent", "emergency",
 "老公35岁，晚饭吃了小龙虾，二十分钟后浑身起红疙瘩，嘴唇肿起来，说嗓子发紧吞口水困难，声音都变了，有点喘。以前吃海鲜没事的。现在没晕，也没吐。家里有氯雷他定，先吃一片行不行？",
 m(35, "M"),
 "35男 吃小龙虾后20分钟全身风团 嘴唇肿 嗓子发紧 有点喘",
 m(35, "M"),
 "Acute urticaria with lip swelling, throat tightness, voice change, wheeze after food: anaphylaxis → adrenaline/120 (WAO 2020; BP rule 'sudden severe allergic reaction')"),
("emergent", "urgent",
 "我38岁女，有哮喘好多年。这三天感冒以后晚上咳嗽喘，万托林一天要喷四五次，喷完能好几个钟头。现在说话能说完整句子，嘴唇不紫，家里指夹式血氧95%，心跳九十几。以前没住过院。要不要去医院？",
 m(38, "F", [AS]),
 "38岁女 哮喘 感冒后喘3天 万托林一天4-5次 血氧95 能说整句",
 m(38, "F", [AS]),
 "Moderate asthma exacerbation (full sentences, SpO2 95, HR <110) with stable vitals: same-day review (consensus Ⅲ acute asthma; GINA/BTS moderate)"),
("emergent", "emergency",
 "我45岁男的，以前B超说右肾有结石。昨天半夜右腰突然绞痛，疼到大腿根，今天下午开始发冷打摆子，冷得牙齿打架，体温39.4，尿少还有点红。吃了布洛芬冇乜用。冇拉肚子。是不是结石又犯了，多喝水能排出来吧？",
 m(45, "M"),
 "男45 有肾结石 右腰绞痛+寒战 烧到39.4 尿少",
 m(45, "M"),
 "Renal colic with rigors and fever 39.4: suspected obstructed infected kidney/urosepsis → ED now (consensus Ⅱ suspected sepsis; EAU urolithiasis)"),
("emergent", "emergency",
 "我爸72岁，放过支架，一直吃阿司匹林。这两天拉的大便黑得发亮像柏油，今天拉了三次，刚才从床上起来头晕眼花出冷汗，脸煞白。没吐血，肚子不怎么疼。他不让我叫车，说歇歇就好，我在外地着急。",
 m(72, "M", [HD]),
 "72岁男 吃阿司匹林 今天柏油样黑便3次 起床头晕出冷汗",
 m(72, "M"),
 "Melaena on aspirin with postural dizziness, pallor, sweating: active upper GI bleed with poor perfusion → 120 (consensus Ⅱ active bleeding)"),
("emergent", "emergency",
 "宝宝2个月大，今天下午摸着烫，腋下量了38.6度，隔半小时再量还是38.5。吃奶比平时少一点，哭声还行，没有皮疹，没吐没拉。打完疫苗已经过了一个礼拜了。家里有美林，能不能先喂点退烧？",
 m(0),
 "2个月宝宝发烧38.6度，吃奶稍少，没皮疹",
 m(0),
 "Infant <3 months with temperature ≥38 °C is high risk (NICE NG143 red) → ED now regardless of appearance"),
("emergent", "emergency",
 "我怀孕34周，30岁头胎。今天一直头疼，眼前冒金星看东西模糊，刚才自己量血压165/112，过十分钟再量162/110。脚和脸这两天肿得厉害。胎动还有，没流血没破水，肚子不疼。是不是睡不好闹的？",
 m(30, "F", [PG]),
 "孕34周30岁 头痛眼花 血压165/112复测162/110 脸脚肿",
 m(30, "F", [PG]),
 "Pregnant with confirmed BP ≥160/110 plus headache and visual disturbance: severe pre-eclampsia → 120 (NICE NG133; BP-E1 pregnancy)"),
("emergent", "urgent",
 "我妈78岁，房颤一直吃华法林。今天上午在院子里滑了一跤，后脑勺磕到门槛，起了个包，当时没晕过去，现在说话清楚，没吐，手脚都能动，就是说有点头疼。她说不碍事不用去医院，真的不用吗？",
 m(78, "F", [AF, AC]),
 "78岁女 房颤吃华法林 摔跤后脑磕个包 没晕没吐 有点头疼",
 m(78, "F", [AF, AC]),
 "Head injury on warfarin without LOC, vomiting or neuro deficit: CT the same day (NICE NG232; clinical_rules §5.6 anticoagulation) → urgent"),
("emergent", "urgent",
 "老伴76岁，高血压。前天开始发烧，今天38.6，咳黄痰，走几步就有点喘，血氧夹子测93，心跳104。神志清楚，能自己吃饭上厕所，血压130/80。没胸痛。吃了两天阿莫西林还不退烧，要不要换个药？",
 m(76, None, [HT]),
 "76岁男 高血压 烧两天38.6 咳黄痰 血氧93 心率104 神志清楚",
 m(76, "M", [HT]),
 "Probable pneumonia in an elderly man, SpO2 93 with HR 104, BP stable, alert: consensus Ⅲ (SpO2 90–94, HR 100–150) → same-day hospital assessment"),
# ---------------- non-emergent (15) ----------------
("nonemergent", "routine",
 "我32岁女的，这两天小便又急又频，尿完还想尿，尿的时候有点烧着疼。没发烧，腰不疼，尿里没看见血，没怀孕，月经正常。多喝了水好一点点。一年前也犯过一次。能不能开点药？",
 m(32, "F"),
 "32岁女 尿频尿急尿痛两天 无发热 腰不痛 未怀孕",
 m(32, "F"),
 "Uncomplicated lower UTI in a non-pregnant woman, no fever or loin pain (NICE NG109): family doctor within days (Ⅳ)"),
("nonemergent", "routine",
 "闺女17岁，感冒到现在快两个礼拜了还没好利索，鼻子一直堵，擤出来黄绿色的鼻涕，低头的时候额头和脸颊胀痛。没有高烧，就头几天37度多，眼睛不肿，看东西正常，也不是那种炸裂的头疼。吃啥药管用？",
 m(17, "F"),
 "17岁女，鼻塞流黄脓涕快2周，低头脸胀痛，不发烧，眼睛不肿",
 m(17, "F"),
 "Acute sinusitis >10 days without periorbital, visual or meningeal red flags (NICE NG79): routine review (Ⅳ)"),
("nonemergent", "routine",
 "老毛病痛风又犯了，我52岁男的。昨晚喝了点啤酒吃了海鲜，半夜左脚大脚趾头红肿发烫，疼得被子都不敢碰。没发烧，别的关节都好好的，以前犯过三回都是这个地方。上回开的秋水仙碱吃完了，想再开点。",
 m(52, "M"),
 "52M 痛风复发 左大脚趾红肿热痛 昨夜起 无发热",
 m(52, "M"),
 "Typical recurrent gout flare, single known joint, afebrile (NICE CKS gout): family doctor for treatment (Ⅳ hot swollen joint, known condition)"),
("nonemergent", "urgent",
 "我66岁老太婆，左边肋骨这一圈先是火烧火燎地疼了两天，今天冒出一片一片的小水疱，排成一条带子，没过身体中线。脸上和眼睛周围都没长，也不发烧，精神还行。村里人说是缠腰龙，要不要紧？",
 m(66, "F"),
 "66岁女 左侧肋部一条带状水疱1天 疼 脸上没有 不发烧",
 m(66, "F"),
 "Thoracic shingles in a 66-year-old, rash <72 h: antiviral should start today (NICE CKS shingles) → same-day contact; not ophthalmic, so not emergency"),
("nonemergent", "routine",
 "腰疼一个礼拜了，我45，开出租的。搬了个箱子闪了一下，现在疼到左边屁股和大腿后面一直到小腿，坐久了更厉害。大小便都正常，屁股和裆部莫得麻木，腿有劲走路没问题，不发烧。贴了膏药效果一般。",
 m(45),
 "45男 腰痛窜左腿一周 大小便正常 裆部不麻 腿有劲",
 m(45, "M"),
 "Sciatica without cauda equina or progressive neuro deficit (NICE NG59): family doctor within days (Ⅳ)"),
("nonemergent", "routine",
 "儿子4岁，前几天感冒，然后喊左边耳朵疼，疼了三天，昨晚耳朵里流出来黄水，流出来后反倒不怎么疼了，烧也退了，今天37.2。吃饭玩耍都正常，耳朵后面不红不肿。要不要紧？需要去看吗？",
 m(4, "M"),
 "4岁男孩耳朵疼3天 昨晚流黄水 烧退了 耳后不红肿",
 m(4, "M"),
 "Acute otitis media with discharge (likely perforation), afebrile, no mastoid signs (NICE NG91): review within days (Ⅳ)"),
("nonemergent", "routine",
 "我62岁，高血压吃苯磺酸氨氯地平一片。这一个礼拜早晚都量，平均下来大概150/95左右，最高一次158/98。没头疼头晕，没胸闷，腿不肿。药一顿没落下，就是最近过年吃得咸了点。要加药吗？",
 m(62, None, [HT]),
 "62岁 高血压 一周家测均值150/95 没不舒服 药按时吃",
 m(62, None, [HT]),
 "Weekly home BP mean above target with no danger signs: rule BP-T1 → family doctor review within 2 weeks"),
("nonemergent", "routine",
 "俺58岁男，糖尿病吃二甲双胍，一天两次。这俩礼拜空腹血糖测了六回，都在8点几到9点2之间，饭后两小时11左右。没有口渴得厉害，也不多尿，没低血糖，体重没掉。是不是该加药了？",
 m(58, "M", [DM]),
 "58男 2型糖尿病 空腹8-9.2两周 不渴不多尿 无低血糖",
 m(58, "M", [DM]),
 "Fasting SMBG persistently ≥7.0 without symptoms or values ≥16.7: rule G-T1 → family doctor adjustment, revisit in 2 weeks"),
("nonemergent", "routine",
 "怀孕24周了，26岁。这几天下面痒得很，白带多，像豆腐渣一样，没什么臭味。没出血，肚子不疼不发紧，胎动正常，也不发烧尿痛。孕期能不能用药啊？怕对宝宝不好。",
 m(26, "F", [PG]),
 "孕24周26岁 下面痒 白带豆腐渣样 无出血无腹痛",
 m(26, "F", [PG]),
 "Vulvovaginal candidiasis in pregnancy, no bleeding/pain/fever: needs prescribed topical azole (NICE CKS) → routine visit (Ⅳ)"),
("nonemergent", "routine",
 "我家宝8个月，屁股上红了一大片快十天了，护臀膏天天抹也不见好，边上还有些小红点点，褶子里面也红。没有发烧，吃奶睡觉都好，没有破皮流水，精神头足。是不是得换个药膏？",
 m(0),
 "8个月宝宝尿布疹10天护臀膏不管用 褶子里也红 不发烧",
 m(0),
 "Persistent nappy rash with satellite lesions and skin-fold involvement (probable candida), well infant (NICE CKS nappy rash): routine"),
("nonemergent", "routine",
 "我75了，老头子一个，右膝盖疼了好几年，这两个礼拜上下楼梯更疼了，早上起来僵一会儿活动开就好。没摔过，膝盖不红不烫，也没突然肿起来，不发烧，还能自己走到菜场。有没有好点的药？",
 m(75, "M"),
 "75岁男 右膝老毛病 近2周加重 不红不烫 没摔 能走",
 m(75, "M"),
 "Chronic knee osteoarthritis pain, no trauma, no hot joint, afebrile (NICE NG226): known chronic symptom → routine (Ⅳ 非急症)"),
("nonemergent", "routine",
 "我生完孩子五个多礼拜了，29岁。最近老想哭，晚上孩子睡了我也睡不着，对啥都提不起兴趣，觉得自己当不好妈妈。没有想伤害自己或者孩子的念头，家里婆婆在帮忙带。这种情况要看医生吗？",
 m(29, "F"),
 "29女 产后5周 爱哭失眠没兴趣 没有伤害自己的想法",
 m(29, "F"),
 "Probable postnatal depression without self-harm or harm-to-baby thoughts, supported at home (NICE CG192): assessment within days (Ⅳ)"),
("nonemergent", "urgent",
 "我爸67，糖尿病十几年了，脚有点麻。今天洗脚才发现右脚掌上有个一块钱硬币大的破口，周围有点发红，不知道啥时候磨的，他自己也不觉得疼。没发烧，没流脓，腿不肿。先抹点红药水行吗？",
 m(67, "M", [DM]),
 "67岁男 糖尿病 右脚掌新破口硬币大 周围发红 不疼 不烧",
 m(67, "M", [DM]),
 "New neuropathic foot ulcer with surrounding redness in diabetes: diabetic-foot red flag → urgent referral (clinical_rules §2.4; NICE NG19 within 1 working day)"),
("nonemergent", "urgent",
 "我70岁女的，高血压十多年。今天早上量血压186/112，坐下歇了十分钟再量184/110，平时都140左右。头不疼不晕，看东西清楚，胸口不闷，手脚有劲，说话利索。昨天降压药忘吃了。要紧吗？",
 m(70, "F", [HT]),
 "70岁女 高血压 今早186/112复测184/110 漏服药 无头痛胸闷",
 m(70, "F", [HT]),
 "Confirmed BP ≥180/110 without target-organ symptoms: rule BP-U1 → same-day family doctor contact (hypertensive urgency, not emergency)"),
("nonemergent", "routine",
 "我60岁，抽了四十年烟。咳嗽一个多月了，早上有点白痰，没咳过血，不发烧，体重没掉，晚上能平躺睡觉，走路不怎么喘。以为是感冒拖的，一直没管。要不要拍个片子看看？",
 m(60),
 "60岁 烟龄40年 咳嗽一个多月 白痰 没咯血 体重没掉",
 m(60),
 "Cough >3 weeks in a long-term smoker without haemoptysis or weight loss: chest X-ray within 2 weeks (NICE NG12) → routine"),
# ---------------- self-care (15) ----------------
("selfcare", "self_care",
 "我27岁女，前天开始嗓子有点疼，流清鼻涕打喷嚏，今天体温37.4，稍微有点咳嗽。吃喝都正常，不喘，胸口不疼，耳朵不疼，精神还可以，明天还想上班。需要吃抗生素吗？",
 m(27, "F"),
 "27岁女 咽痛流清涕2天 37.4 轻咳 不喘 吃喝正常",
 m(27, "F"),
 "Uncomplicated common cold, low-grade temperature, no red flags (NICE NG120/CKS): self-care, no antibiotics"),
("selfcare", "self_care",
 "22岁男，昨天去海边玩了一下午没擦防晒，今天后背和肩膀晒得通红，一碰就疼，洗澡都疼死了😭就几个小水泡，不发烧不头晕，也不恶心，水喝得多。有啥药膏能抹？",
 m(22, "M"),
 "22岁男，海边晒伤，背通红疼，几个小水泡，不烧不晕",
 m(22, "M"),
 "Sunburn with few small blisters and no systemic symptoms or heat illness (NICE CKS sunburn): self-care"),
("selfcare", "self_care",
 "上班族，30岁女。最近赶项目天天对着电脑，下午开始脑门和后脖子一圈发紧发胀地疼，睡一觉就好。没吐，看东西不花，手脚不麻，不是突然剧痛，血压量过118/76。吃点布洛芬可以吗？",
 m(30, "F"),
 "30F 下午头紧箍样胀痛 对电脑多 睡觉就好 不吐 看东西清楚",
 m(30, "F"),
 "Tension-type headache without red flags (no thunderclap, vomiting, visual or neuro change; normal BP) (NICE CG150): self-care"),
("selfcare", "self_care",
 "打篮球落地踩到别人脚，右脚脖子崴了一下，我25岁男的。外侧肿了一点，能自己走路回家，就是走快了疼。按骨头不疼，只有外侧软的地方疼，脚没有麻，也没变形。需要拍片吗咋整？",
 m(25, "M"),
 "25男 打球崴脚 外踝稍肿 能走 按骨头不疼",
 m(25, "M"),
 "Mild lateral ankle sprain, weight-bearing, no bony tenderness (Ottawa ankle rules negative): self-care (RICE)"),
("selfcare", "self_care",
 "孩子6岁，昨天在奶奶家院子里玩被蚊子咬了七八个包，胳膊腿上红红的鼓包，一直喊痒挠个不停。脸不肿，嘴唇正常，不喘，不发烧，精神好得很，包也没有化脓。抹什么好？",
 m(6),
 "6岁娃 蚊子包七八个 痒得很 不发烧 脸不肿 不喘",
 m(6),
 "Local reaction to mosquito bites without systemic, airway or infective features (NICE CKS insect bites): self-care"),
("selfcare", "self_care",
 "我35岁女，昨晚吃了外卖，后半夜拉了四回水样便，今天上午又拉了一次，肚子有点咕噜不太疼。没吐，没发烧，大便里没血，喝水能喝下去，尿也正常颜色不深，就是有点乏。要去挂水吗？",
 m(35, "F"),
 "35女 拉水样便5次 不吐不烧 没血 能喝水 尿正常",
 m(35, "F"),
 "Acute diarrhoea without dehydration, blood or fever (NICE CKS gastroenteritis; consensus Ⅳ without dehydration): self-care with oral fluids"),
("selfcare", "self_care",
 "儿子16岁，上高一，额头和鼻子两边长了些小痘痘和黑头，有十来个，不疼，没有大的红肿硬包，也没留坑。他天天照镜子着急得很，说丑死了。要不要去医院看？",
 m(16, "M"),
 "16岁男 额头鼻翼小痘痘黑头十来个 不红肿 没疤",
 m(16, "M"),
 "Mild comedonal acne without nodules or scarring (NICE NG198): self-care with OTC topical treatment"),
("selfcare", "self_care",
 "我40岁男的，这一冬天头皮屑特别多，穿黑衣服肩膀上一层白，头皮有点痒。没有一块块的红斑，不掉头发，也没有流水结痂，身上别处皮肤都好。买什么洗发水管用？",
 m(40, "M"),
 "40男 头皮屑多头皮痒 无红斑 不掉发 不流水",
 m(40, "M"),
 "Dandruff without inflammation, hair loss or exudate (NICE CKS seborrhoeic dermatitis): self-care with medicated shampoo"),
("selfcare", "self_care",
 "每年一到春天杨絮飘的时候就打喷嚏流清鼻涕，眼睛痒，今年又来了，我28岁女。晚上睡觉还行，不咳嗽不喘，胸口不闷，嗓子不疼，也不发烧。去年吃的氯雷他定挺管用，今年还能吃吗？",
 m(28, "F"),
 "28岁女 每年春天打喷嚏流清涕眼痒 今年又犯 不喘不烧",
 m(28, "F"),
 "Seasonal allergic rhinitis without wheeze (NICE CKS allergic rhinitis): self-care with OTC antihistamine"),
("selfcare", "self_care",
 "宝宝3个多月，每次喂完奶过一会儿嘴角就漾出来一点奶，有时候打嗝也带出来一口。不是喷射那样吐的，吐的是白的没有绿的黄的，体重这个月长了一斤多，大便正常，不哭闹，也不发烧。需要吃药吗？",
 m(0),
 "3个月宝宝喂奶后溢奶 不是喷射 体重长得好 不发烧",
 m(0),
 "Effortless regurgitation in a thriving infant, no bilious/projectile vomiting or fever (NICE NG1): self-care, reassurance"),
("selfcare", "self_care",
 "医生你好，我71岁，高血压吃缬沙坦。这个礼拜早晚量血压，都在125到132之间，低压七十几，心跳七十左右。没头晕没胸闷，走路有劲。我想问问这个血压是不是就可以了，药还照这么吃吗？",
 m(71, None, [HT]),
 "71岁 高血压 家测125-132/70多 没不舒服 药照吃?",
 m(71, None, [HT]),
 "Home BP at target (<135/85) with no symptoms: reassuring answer, continue treatment and scheduled follow-up (clinical_rules §1.2/1.6 控制满意)"),
("selfcare", "self_care",
 "我60岁女，二型糖尿病吃阿卡波糖。最近一周早上空腹血糖6.2、5.9、6.5这样，饭后两个钟头8点多，没有心慌出汗，没低过。是不是控制得挺好？要不要调药？",
 m(60, "F", [DM]),
 "60岁女 2型糖尿病 空腹5.9-6.5 餐后8点多 没低过",
 m(60, "F", [DM]),
 "Fasting 4.4–7.0 and post-meal <10 with no hypoglycaemia: at target (CDS 2020; 控制满意) → reassurance, no change"),
("selfcare", "self_care",
 "怀孕12周，25岁头一胎。每天早上起来恶心，闻到油烟味就想吐，一天吐一两回，但是饭还能吃进去一些，水也能喝，尿颜色正常，体重没怎么掉。没出血肚子不疼。听说吃饼干管用？",
 m(25, "F", [PG]),
 "孕12周25岁 早上恶心每天吐1-2次 能吃能喝 尿正常",
 m(25, "F", [PG]),
 "Mild nausea and vomiting of pregnancy, tolerating fluids, no dehydration or bleeding (RCOG GTG 69): self-care"),
("selfcare", "self_care",
 "娃8岁，今早起来流鼻血了，吓我一跳，枕头上好几点血。按照网上说的低头捏住鼻子五分钟就止住了。以前秋天干燥也流过。身上没有青一块紫一块，牙龈不出血，没磕着，精神好，早饭吃得香。",
 m(8),
 "8岁娃流鼻血 捏鼻5分钟止住 秋天常有 没瘀青",
 m(8),
 "Anterior epistaxis stopped with pressure, recurrent in dry weather, no bruising or bleeding elsewhere (NICE CKS epistaxis): self-care"),
("selfcare", "self_care",
 "我33岁男，最近熬夜加班，下嘴唇里面长了个黄豆大的溃疡，白色的一圈红边，吃辣的疼死了，已经三天了。就一个，不发烧，脖子淋巴不肿，以前也长过一周左右自己好。能用啥药？",
 m(33, "M"),
 "33男 口腔溃疡一个3天 吃辣疼 不发烧 以前自己好过",
 m(33, "M"),
 "Single minor aphthous ulcer <3 weeks, no fever or lymphadenopathy (NICE CKS aphthous ulcer): self-care"),
]

def rec(i, set_name, text, level, meta, why, pair):
    r = {"id": f"h9v-{i:03d}", "set": set_name, "text": text, "level": level}
    if meta["age"] is not None:
        r["age"] = meta["age"]
    if meta["sex"]:
        r["sex"] = meta["sex"]
    if meta["conditions"]:
        r["conditions"] = meta["conditions"]
    r["why"] = why
    r["pair"] = pair
    return r

def main():
    assert len(CASES) == 45, len(CASES)
    groups = Counter(c[0] for c in CASES)
    assert groups == {"emergent": 15, "nonemergent": 15, "selfcare": 15}, groups
    allowed = {HT, DM, PG, AF, AC, AS, HD}
    for g, lvl, lt, lm, tt, tm, why in CASES:
        if g == "emergent":
            assert lvl in ("emergency", "urgent")
        elif g == "nonemergent":
            assert lvl in ("routine", "urgent")
        else:
            assert lvl == "self_care"
        assert 60 <= len(lt) <= 200, (len(lt), lt)
        assert 15 <= len(tt) <= 50, (len(tt), tt)
        assert "\n" not in tt
        for mm in (lm, tm):
            assert set(mm["conditions"]) <= allowed
    assert sum(1 for c in CASES if c[0] == "nonemergent" and c[1] == "urgent") <= 4
    emg = Counter(c[1] for c in CASES if c[0] == "emergent")
    assert emg["emergency"] > emg["urgent"]
    # uniqueness of texts
    texts = [c[2] for c in CASES] + [c[4] for c in CASES]
    assert len(set(texts)) == 90

    order = list(range(45))
    random.Random(SEED).shuffle(order)
    longs, terses = [], []
    for k, idx in enumerate(order, start=1):
        g, lvl, lt, lm, tt, tm, why = CASES[idx]
        longs.append(rec(k, "vignette_long", lt, lvl, lm, why, k))
        terses.append(rec(45 + k, "vignette_terse", tt, lvl, tm, why, k))
    rows = longs + terses
    with open(OUT, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")

    # re-read and check composition
    back = [json.loads(l) for l in open(OUT, encoding="utf-8")]
    assert len(back) == 90
    assert [r["id"] for r in back] == [f"h9v-{i:03d}" for i in range(1, 91)]
    for a, b in zip(back[:45], back[45:]):
        assert a["pair"] == b["pair"] and a["level"] == b["level"]
    tab = Counter((r["set"], r["level"]) for r in back)
    levels = ["emergency", "urgent", "routine", "self_care"]
    print("set".ljust(16) + "".join(l.rjust(11) for l in levels) + "total".rjust(8))
    for s in ("vignette_long", "vignette_terse"):
        print(s.ljust(16) + "".join(str(tab[(s, l)]).rjust(11) for l in levels)
              + str(sum(tab[(s, l)] for l in levels)).rjust(8))
    print("total".ljust(16) + "".join(str(tab[("vignette_long", l)] + tab[("vignette_terse", l)]).rjust(11) for l in levels) + str(len(back)).rjust(8))
    print("groups:", dict(groups), "| emergent split:", dict(emg))
    ll = [len(c[2]) for c in CASES]; tl = [len(c[4]) for c in CASES]
    print(f"long len {min(ll)}-{max(ll)} (mean {sum(ll)/45:.0f}); terse len {min(tl)}-{max(tl)} (mean {sum(tl)/45:.0f})")
    print("wrote", OUT)

if __name__ == "__main__":
    main()
