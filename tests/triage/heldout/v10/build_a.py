#!/usr/bin/env python3
"""Held-out set v10 part A: 90 colloquial WeChat triage messages, written by hand."""
import json, random, collections, os

SET = "colloquial"
SEED = 1010
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "triage_heldout_v10_a.jsonl")

E, U, R, S = "emergency", "urgent", "routine", "self_care"

# (text, level, age, sex, conditions, why)
CASES = [
# ---------------- EMERGENCY (25) ----------------
("医生你好，我爸七十一了，血压一直控制得还行。今天早上吃饭的时候右手拿筷子老往下掉，碗也端不稳，说话有点大舌头，含含糊糊的。他自己说是昨晚没睡好，叫我们别大惊小怪，躺躺就好了，我们就让他先躺着了，下午再看看行不行？",
 E, 71, "M", ["hypertension"], "Sudden one-sided arm weakness + slurred speech = 中风120/BE-FAST; acute stroke 共识Ⅱ级, call 120, do not wait"),
("妈刚才看电视突然说左边看不见了走路老往一边偏扶着墙才站住现在坐沙发上说头晕想睡一会儿要不要紧",
 E, None, "F", None, "Sudden visual field loss + loss of balance = BE-FAST (B, E); acute stroke 共识Ⅱ级"),
("我六十八了有糖尿病，今天下午心口窝那块闷得慌，像压了块石头，出了一身汗，以为是胃病吃了两片胃药也没用，这都一个多钟头了",
 E, 68, None, ["diabetes"], "Pressure-type epigastric/chest pain >15 min with sweating in an elderly diabetic = possible ACS; cardiac-type chest pain 共识Ⅱ级"),
("我在深圳上班，刚跟我爸视频，他说胸口有点紧，一阵阵往左边胳膊上窜，他说歇歇就好不让我打120，这都快半个小时了，我离得远干着急😭",
 E, None, "M", None, "Chest tightness radiating to left arm lasting ~30 min at rest = possible ACS; 共识Ⅱ级 cardiac-type chest pain, 120"),
("俺娘喘得贼厉害 一句话得分三口气说 嘴唇都发紫了 夹了血氧才八十六",
 E, None, "F", None, "SpO2 80–90% with severe dyspnoea, cannot speak in sentences, cyanosis = 共识Ⅱ级"),
("晚上吃了皮皮虾 身上起了好多风团 现在嗓子发紧 说话声音都哑了",
 E, None, None, None, "Urticaria + throat tightness + voice change after food = anaphylaxis with airway involvement (WAO); 共识Ⅰ/Ⅱ级"),
("老伴下午在村卫生室打完头孢的吊瓶回来，半个钟头左右说身上痒，眼前发黑，坐都坐不住，脸白得吓人。我给他倒了杯热水躺下了，是不是打针累着了",
 E, None, "M", None, "Itch + presyncope/pallor within 30 min of IV cephalosporin = anaphylaxis with circulatory involvement (WAO); 急诊转诊 '严重过敏反应'"),
("遭马蜂子叮了一口 手倒是莫得好肿 但是现在浑身起坨坨 心头慌 想吐 有点出不赢气",
 E, None, None, None, "Generalised hives + palpitations + vomiting + breathlessness after sting = anaphylaxis (WAO); 共识Ⅰ/Ⅱ级"),
("我刚刚把一板安定都吃了，十几片吧，现在人还清醒，也没啥感觉，想问一下需要做什么处理吗",
 E, None, None, None, "Acute (likely intentional) benzodiazepine overdose, even if awake = 共识Ⅰ级 acute drug overdose + self-harm risk"),
("我公公今年六十五，身体一直挺硬朗的。下午顶着大太阳去棉花地里打了两桶药，嫌热没戴口罩，回来就一直淌口水、出大汗，衣服都湿透了，说眼睛看东西发花，刚才还拉了两回肚子。他自己说是中暑了，让我给他刮刮痧喝点藿香正气水就行，这样处理可以吧？",
 E, 65, "M", None, "Salivation, sweating, blurred vision, diarrhoea after spraying pesticide = organophosphate (cholinergic) poisoning; 共识Ⅱ级 poisoning, 急性中毒诊治专家共识"),
("两岁的孙子把我的降压药翻出来了 锡箔板上少了三粒 不知道是不是他吃的 现在还在玩 看着没啥事啊",
 E, 2, "M", None, "Possible ingestion of adult antihypertensive by a toddler (toxicity may be delayed) = poisoning 共识Ⅱ级; ED now even if well"),
("昨黑儿屋里生着煤火睡的 今儿早上起来俺跟俺妈都头疼得不行 恶心 俺妈站都站不稳 是不是冻感冒了",
 E, None, None, None, "Headache, nausea, ataxia in two people after a night with a coal stove = CO poisoning; toxic exposure 共识Ⅱ级"),
("月经推迟了十来天没当回事 今天下午右边小肚子一阵一阵疼得厉害 刚才在厕所差点晕过去",
 E, None, "F", None, "Missed period + unilateral lower abdominal pain + near-syncope = suspected ectopic pregnancy; 共识Ⅱ级"),
("这两天拉的大便黑乎乎的跟柏油似的，今天起床一站起来眼前发黑差点摔了。我一直吃着阿司匹林，没吃铁剂也没吃猪血",
 E, None, None, None, "Melaena (no iron/food explanation) + postural presyncope on aspirin = GI bleeding; active bleeding 共识Ⅱ级, 120"),
("我老豆有肝硬化 啱啱吐咗小半碗暗红色嘅嘢 仲有血块 依家话好攰想瞓",
 E, None, "M", None, "Haematemesis with clots in cirrhosis (possible variceal bleed) = active severe bleeding 共识Ⅱ级"),
("我妈打胰岛素的中午没怎么吃饭现在说话颠三倒四满头大汗叫她也爱答不理测了个血糖二点八",
 E, None, "F", ["diabetes"], "BG 2.8 on insulin with confusion = level 3 hypoglycaemia, G-E1 → 120; POCT glucose <3.33 共识Ⅰ级"),
("高压210低压120 头要炸了 吐了两回",
 E, None, None, None, "BP 210/120 with severe headache and vomiting = BP-E1 / 急诊转诊 item 2; SBP >200 共识Ⅱ级"),
("宝宝出生四十天 今天摸着脑门烫 耳温枪量三十八度二 吃奶还行 就是比平时爱睡",
 E, 0, None, None, "Infant <3 months with T ≥38 °C = NICE NG143 red (high risk); ED now regardless of feeding"),
("老婆怀孕七个多月了，刚才上厕所出了不少血，裤子都湿了一片，肚子倒不怎么疼，要不要明天产检的时候问问？",
 E, None, "F", ["pregnancy"], "Heavy antepartum haemorrhage at ~30 weeks (painless, possible placenta praevia) = RCOG APH; active bleeding 共识Ⅱ级"),
("怀孕三十五周了 今朝一上午都没觉着宝宝动 平常伊老皮的 是伐是睏着了 我再等等看？",
 E, None, "F", ["pregnancy"], "Absent fetal movements at 35 weeks = RCOG GTG57: go to maternity unit immediately, do not wait"),
("孙女一岁半 遥控器后盖开了 里面那个纽扣电池找不着了 刚才看她嘴里含着啥 抠了一下没抠出东西 现在好好的不哭不闹",
 E, 1, "F", None, "Possible button-battery ingestion in a toddler = emergency X-ray/removal (oesophageal burn within 2 h) even if asymptomatic"),
("我爷爷八十三 从昨天下午开始一直婚婚沉沉地睡 叫他能睁一下眼 哼一声又睡过去 饭也喂不进去",
 E, 83, "M", None, "New reduced consciousness in an elderly man (rousable only briefly, cannot eat) = stupor/impaired consciousness 共识Ⅱ级"),
("我吃华法林的 有房颤 今天刷牙牙龈出血 拿棉球压了快一个钟头还在渗 刚才擤鼻涕也擤出好多血 有点头晕",
 E, None, None, ["anticoagulant", "atrial fibrillation"], "Uncontrolled bleeding from two sites with dizziness on warfarin = active bleeding on anticoagulant, 共识Ⅱ级"),
("X医生，这么晚打扰您了。谢谢您这些年一直上门给我和老头子量血压、送药，您是好人。他走了三个月了，我一个人在这屋里，觉得活着也没什么意思了。这半年的安眠药我都攒着没吃，今晚就去找他，您不用回我了，就是想跟您说声谢谢🙏",
 E, None, None, None, "Suicide plan with means and timing = active self-harm risk, 共识Ⅰ级; 120/police now"),
("俺哥从房顶上摔下来了 左腿拐得不对劲 骨头茬子好像都戳出来了 淌了一地血 人还能说话",
 E, None, "M", None, "Fall from height with open fracture and heavy bleeding = major fracture + active bleeding 共识Ⅱ级"),

# ---------------- URGENT (22) ----------------
("闺女三岁 发烧两天了 三十八度五上下 今天拉了五六次稀的 尿比平时少 嘴唇干干的 不过精神头还行 还能喝水",
 U, 3, "F", None, "Fever + diarrhoea with reduced urine and dry lips = some dehydration (WHO IMCI yellow; 共识Ⅲ dehydration) → same-day"),
("医生打扰了，我是在外面打工的，前天刚从新疆坐了四十多个钟头的硬座火车回来，一路上基本没怎么下地走动。到家第二天发现左边小腿比右边粗了一圈，发红，摸着有点热，一按就疼，右腿好好的。喘气没问题，胸口也不疼，就是走路有点别扭，是不是坐久了水肿，泡泡脚能消吗？",
 U, None, None, None, "Unilateral red tender calf swelling after long travel = suspected DVT (NICE NG158) → same-day assessment; no PE features"),
("我糖尿并好多年了 这两天尿频尿急 尿的时候辣辣地疼 今天发烧三十八度六 右边腰眼有点酸",
 U, None, None, ["diabetes"], "Urinary symptoms + fever + loin ache in a diabetic = probable pyelonephritis → same-day doctor (NICE NG111; 共识Ⅲ)"),
("量了三遍 一八五 一一二 一八二 一一零 一八八 一一五 头不疼不晕 也没心慌 就是有点担心",
 U, None, None, None, "Confirmed ≥180/110 without symptoms = BP-U1 (高血压亚急症) → same-day family-doctor contact"),
("糖尿病十来年了 今早空腹十八点九 昨晚睡前也有十七 没觉着难受 不吐也不怎么口渴",
 U, None, None, ["diabetes"], "Two readings ≥16.7 within 24 h without symptoms = G-U2 → same-day contact, ketone check"),
("怀孕三十周 在家量血压一百四十八 九十六 歇了一会儿又量还是一百四十五 九十五 没头疼 看东西也清楚",
 U, None, "F", ["pregnancy"], "Pregnant with BP ≥140/90 = BP-U1 / 规范 danger sign → same-day assessment for pre-eclampsia (NICE NG133)"),
("哮喘又犯了 刚喷了三下万托林 好一点 还是有点喘 话能说全 走路得慢点",
 U, None, None, ["asthma"], "Acute asthma, partial response to salbutamol, speaking in sentences = 共识Ⅲ acute asthma with stable vitals → same-day"),
("我爸吃利伐沙班的，下午在院子里滑了一跤，后脑勺磕地上起了个包。人清醒，没吐，说话也正常，要去医院吗还是在家观察就行？",
 U, None, "M", ["anticoagulant"], "Head injury on an anticoagulant = same-day hospital CT (triage_criteria 5.6; NICE NG232) even if well"),
("七十二岁 肚子隐隐约约疼了一上午 说不上哪儿疼 没吐 大便也正常 能忍",
 U, 72, None, None, "Any abdominal pain at age >65 = at least 共识Ⅲ级 → same-day"),
("从昨晚到现在吐了十来回了喝口水都吐出来尿也没多少嘴巴干得很 不拉肚子 肚子不怎么疼",
 U, None, None, None, "Persistent vomiting, cannot keep fluids down, reduced urine = 共识Ⅲ persistent vomiting/dehydration → same-day"),
("小腿上蚊子包抓破了 现在红了巴掌那么大一片 比昨天又大了一圈 摸着烫 今天还有点低烧三十七度八",
 U, None, None, None, "Spreading cellulitis with fever = same-day antibiotics/review (NICE NG141); not septic"),
("我有糖尿病 右脚大脚趾被新鞋磨破一个礼拜了 一直没长好 今天看着边上发黑 还有股臭味 倒是不怎么疼",
 U, None, None, ["diabetes"], "Non-healing diabetic foot ulcer with darkening and odour = diabetic foot red flag → urgent referral (基层糖尿病指南 2.4-3)"),
("老伴咳了四五天了，今天烧到三十九度，吐黄痰，走两步就有点气短，家里血氧夹的九十五，说话还利索",
 U, None, None, None, "Probable pneumonia (fever 39, purulent sputum, exertional breathlessness) with SpO2 95% = 共识Ⅲ → same-day"),
("娃儿一岁多 咳了三天 今天出气好快 我数了一分钟五十几下 嘴巴不乌 肋巴骨那没往里头陷 奶还在吃",
 U, 1, None, None, "Fast breathing (≥40/min at 1–5 y) without chest indrawing = WHO IMCI pneumonia (yellow) → same-day"),
("嗓子疼五天了 越来越厉害 右边肿得张不开嘴 口水都咽不下去 说话含含糊糊的 发烧 不过喘气不憋",
 U, None, None, None, "Trismus, drooling, muffled voice after worsening sore throat = suspected quinsy → same-day ENT (NICE CKS sore throat); airway not compromised"),
("戴了一晚上隐形眼镜没摘 右眼现在又红又疼 怕光 眼泪止不住 看东西有点糊",
 U, None, None, None, "Painful red eye + photophobia + blurred vision in contact-lens wearer = suspected microbial keratitis → same-day ophthalmology (NICE CKS)"),
("左边额头到上眼皮起了一串小水泡 火辣辣地疼 这只眼睛也有点红",
 U, None, None, None, "Herpes zoster in the ophthalmic division with red eye = same-day antiviral + ophthalmology (NICE CKS shingles)"),
("还在喂奶 左边乳房红肿发硬 一碰就疼 昨晚开始发烧 今天三十九度一 浑身酸疼",
 U, None, "F", None, "Lactational mastitis with fever 39 and systemic symptoms = same-day antibiotics (NICE CKS mastitis)"),
("我有高血压 前两天医生给加了一种药 今天一站起来就头晕眼花 量了一下八十五 五十 躺下就好点",
 U, None, None, ["hypertension"], "Symptomatic low BP (SBP <90 with dizziness) after drug change = BP-L1 → same-day contact; 共识Ⅲ SBP 80–90"),
("心跳一直一百二三 快两个钟头了 心荒 胸口不疼 也不喘 头不晕 以前没这样过",
 U, None, None, None, "Persistent HR 100–150 without chest pain/dyspnoea = 共识Ⅲ → same-day hospital/ECG"),
("俺爹七十多了 从早上到现在一点尿都尿不出来 小肚子胀得鼓鼓的",
 U, None, "M", None, "Acute urinary retention in an older man = same-day catheterisation (NICE CKS LUTS); 共识Ⅲ"),
("狗咬破手了 狗没打疫苗",
 U, None, None, None, "Category III bite from unvaccinated dog = rabies PEP + immunoglobulin today (WHO / 狂犬病暴露预防处置工作规范)"),

# ---------------- ROUTINE (23) ----------------
("高雪压吃药五年了 这个礼拜早上量的都在一百四十五左右 低压九十上下 药一直按时吃 没啥不舒服",
 R, None, None, ["hypertension"], "Home BP mean above target on treatment, no symptoms = BP-T1 → family-doctor review within 2 weeks"),
("空腹血糖这礼拜测了四回 七点六 八点一 七点九 七点四 二甲双胍天天吃着呢",
 R, None, None, None, "Fasting SMBG ≥7.0 over a week = G-T1 → dose adjustment, revisit in 2 weeks"),
("自打换了那个什么普利，老是干咳，嗓子痒痒的，晚上咳得睡不踏实，别的都挺好",
 R, None, None, None, "ACE-inhibitor cough = non-dangerous adverse reaction → 规范 adjust drug, revisit within 2 weeks"),
("吃氨氯地平两个月了 脚脖子有点肿 按下去一个坑 晚上能平躺 不憋气",
 R, None, None, None, "Amlodipine ankle oedema without dyspnoea/orthopnoea = drug side effect → routine review (共识Ⅳ)"),
("二甲双胍吃完了 续药",
 R, None, None, None, "Stable prescription request only = 共识Ⅳ 非急症"),
("脖子左边摸到个黄豆大的疙瘩 有三个多礼拜了 不疼不痒 没发烧 最近也没感冒",
 R, None, None, None, "Unexplained lymph node persisting >3 weeks = routine assessment/referral (NICE NG12), no acute danger"),
("我四十五岁，洗澡时摸到左边乳房有个小硬块，不疼，以前没有过，这要去哪看",
 R, 45, "F", None, "New breast lump at ≥30 = suspected-cancer referral within 2 weeks (NICE NG12) → 共识Ⅳ"),
("抽了三十年烟 嗓子亚了一个多月了 不疼 就是声音发沙",
 R, None, None, None, "Persistent hoarseness >3 weeks in a smoker = 2-week suspected-cancer referral (NICE NG12)"),
("阿拉绝经五六年了 这两天短裤上有点血丝 肚皮不痛 是伐要紧",
 R, None, "F", None, "Postmenopausal bleeding = 2-week suspected-cancer referral (NICE NG12), not acute"),
("六十三了 前天小便颜色发红 就那一回 不疼 也没发烧 今天又正常了",
 R, 63, None, None, "Painless visible haematuria at ≥45 = 2-week urology referral (NICE NG12)"),
("这半年也没减肥 瘦了十来斤 饭量跟以前差不多",
 R, None, None, None, "Unexplained weight loss = assessment within days–2 weeks (NICE NG12), no acute features"),
("大便比以前稀 一天两三回 一个多月了 没见血 肚子不疼 也没发烧",
 R, None, None, None, "Change in bowel habit >1 month without bleeding/pain = routine assessment (FIT test)"),
("膝盖上下楼梯疼 好几年了 最近天冷更重了 不红不肿 能走",
 R, None, None, None, "Known chronic knee pain (OA), not hot/swollen = 共识Ⅳ known chronic symptoms"),
("这礼拜午饭前两回测血糖三点六 三点七 吃了几块糖就好了 我吃的格列美脲",
 R, None, None, None, "Level-1 hypoglycaemia twice in 7 days on a sulfonylurea, self-treated = G-U1 → drug review within 48 h (not same-day)"),
("单位体检说促甲状腺激素偏高 七点几 人没啥感觉 要吃药吗",
 R, None, None, None, "Asymptomatic mildly raised TSH = repeat test and review (NICE NG145), routine"),
("最近两个多月老是睡不着 干啥都提不起劲 饭也不香 不过没想过寻短见 就是想找人看看",
 R, None, None, None, "Probable depression without self-harm ideation = routine assessment (NICE NG222)"),
("背上那颗痣这几个月长大了 边上不整齐 颜色深一块浅一块 不疼不痒",
 R, None, None, None, "Changing pigmented lesion (size, border, colour) = 2-week suspected-melanoma referral (NICE NG12)"),
("吃阿托伐他汀一个月了 两条腿有点酸 不影响走路 小便颜色正常",
 R, None, None, None, "Mild statin myalgia, no dark urine/weakness = non-dangerous side effect → routine CK/review"),
("儿子七岁了 晚上还尿床 一个礼拜两三回 白天都好好的",
 R, 7, "M", None, "Primary nocturnal enuresis at 7 = routine assessment (NICE CG111)"),
("我在上海上班，一年回老家两三趟。这回过年回去发现我妈记性比去年差多了，刚说过的话转头就忘，同一件事一晚上问我四五遍，邻居说她做饭忘关火好几回了，锅都烧糊了。不过人还是清楚的，认得人，说话也利索，这是老年痴呆吗，该挂什么科？",
 R, None, "F", None, "Gradual memory decline over a year (not sudden) = routine cognitive assessment (NICE NG97)"),
("左耳朵慢慢听不清 有大半年了 嗡嗡响 不疼 没流脓",
 R, None, None, None, "Gradual unilateral hearing loss with tinnitus = routine ENT/audiology referral (not sudden)"),
("慢阻肺 那个吸如剂快用完了 最近还行 跟平常一样喘 痰也不多",
 R, None, None, ["copd"], "Stable COPD, baseline symptoms, inhaler refill = 共识Ⅳ stable follow-up/prescription"),
("老公打呼噜震天响 睡着睡着还憋气 白天开车老犯困",
 R, None, "M", None, "Suspected obstructive sleep apnoea = routine sleep referral (NICE NG202), advise not to drive sleepy"),

# ---------------- SELF CARE (20) ----------------
("感冒两天了 流清鼻涕 嗓子有点疼 三十七度五 不胸闷也不喘 吃饭睡觉都正常",
 S, None, None, None, "Uncomplicated URTI, low-grade fever, red flags denied = self-care (NICE CKS common cold)"),
("长针眼了 看东西正常",
 S, None, None, None, "Stye without visual change = self-care, warm compresses (NICE CKS hordeolum)"),
("口腔溃疡疼死了咋整",
 S, None, None, None, "Aphthous ulcer = self-care (NICE CKS); review only if >3 weeks"),
("昨天吃了凉拌菜拉了四回 今天就拉了一回 能喝水 尿也正常 没发烧 没见血",
 S, None, None, None, "Settling acute diarrhoea without dehydration or blood = self-care, oral fluids"),
("小腿在桌角磕青了一大块 按着疼 走路没事 不肿",
 S, None, None, None, "Simple bruise, weight-bearing = self-care"),
("高血压吃药的 今天早上量一百二十八 七十六 是不是还高 要不要加一片",
 S, None, None, ["hypertension"], "Home BP 128/76 is at target = normal reading, reassure, no dose change"),
("饭后两小时血糖八点六 这个算高吗 我是糖尿病",
 S, None, None, ["diabetes"], "2-h post-meal 8.6 mmol/L < 10.0 target (CDS 2020) = normal reading"),
("早上降压药忘吃了 中午才想起来 现在补上行不行",
 S, None, None, None, "Missed once-daily dose, remembered same day = take it now, reassurance"),
("我爸前年心梗放了支架，现在每天遛弯一个多钟头都没事，胸口也不疼，药都按时吃着。就是想问问他能不能吃点海鲜，虾啊螃蟹啥的，老家人都说发物不能吃",
 S, None, "M", ["heart disease"], "MI was two years ago; currently well; a diet question with a reassuring answer"),
("邻居大爷昨天脑出血走了 我吓得一宿没睡 我自己血压一直一百二几 七十几 会不会也这样啊",
 S, None, None, None, "Alarming event is a neighbour's; own BP normal = reassurance and general prevention advice"),
("上个月孩子吞了个一块钱硬币 当时去医院拍了片 第三天就拉出来了 现在还用复查吗",
 S, None, None, None, "Coin ingestion in the past, confirmed passed = no further action needed"),
("早上尿是红的吓死我了 昨天吃了两个红心火龙果 有关系吗 不疼也不发烧",
 S, None, None, None, "Red urine explained by red dragon fruit (betacyanin), no other symptoms = reassurance"),
("医生让吃硫酸亚铁 这几天大便黑的 没头晕 肚子也不疼 正常吗",
 S, None, None, None, "Black stool explained by oral iron, no dizziness or pain = expected effect, reassurance"),
("我二十八 昨天搬了一天砖 今天胸口右边这块一按就疼 喘气不疼 不出汗 不憋气 上下楼也没事",
 S, 28, None, None, "Young adult, reproducible chest-wall tenderness after heavy lifting, ACS/PE features denied = musculoskeletal, self-care"),
("孩子七个月 今天上午打了疫苗 下午低烧三十七度八 吃奶玩耍都正常",
 S, 0, None, None, "Low-grade post-vaccination fever in a 7-month-old who is feeding and playing = expected, self-care (NICE NG143 green)"),
("早上擤鼻涕带了点血捏了五分钟就止住了没吃什么抗凝的药血压也正常",
 S, None, None, None, "Minor anterior epistaxis stopped with pressure, no anticoagulant = self-care"),
("这周天天加班 头两边紧箍箍的 睡一觉好多了 没吐 手脚利索 说话也清楚",
 S, None, None, None, "Tension-type headache improving with rest, neuro red flags denied = self-care"),
("身上起咗几粒风团 好痕 喉咙唔紧 唔喘 嘴唇都冇肿",
 S, None, None, None, "Localised acute urticaria without airway/breathing features = self-care, oral antihistamine (WAO: not anaphylaxis)"),
("怀孕八周 早上刷牙恶心干呕 吃饭还行 能喝水 尿也正常",
 S, None, "F", ["pregnancy"], "Mild nausea of early pregnancy without dehydration = self-care (NICE CKS)"),
("外孙两岁 刚才从小板凳上摔下来磕了脑门 当时就哇哇哭了 现在起了个小包 又跑又跳的 没吐",
 S, 2, "M", None, "Minor head injury, cried at once, no vomiting, normal behaviour = home observation (NICE NG232)"),
]

TARGET = {E: 25, U: 22, R: 23, S: 20}
ALLOWED = {"hypertension", "diabetes", "pregnancy", "atrial fibrillation", "copd", "asthma", "anticoagulant", "heart disease"}

def main():
    assert len(CASES) == 90, len(CASES)
    cnt = collections.Counter(c[1] for c in CASES)
    assert dict(cnt) == TARGET, cnt
    texts = [c[0] for c in CASES]
    assert len(set(texts)) == len(texts), "duplicate text"
    for t, lvl, age, sex, cond, why in CASES:
        assert sex in (None, "M", "F")
        assert cond is None or set(cond) <= ALLOWED, cond
        assert why
    cases = list(CASES)
    random.Random(SEED).shuffle(cases)
    with open(OUT, "w", encoding="utf-8") as f:
        for i, (t, lvl, age, sex, cond, why) in enumerate(cases, 1):
            o = {"id": f"h10-{i:03d}", "set": SET, "text": t, "level": lvl}
            if age is not None: o["age"] = age
            if sex: o["sex"] = sex
            if cond: o["conditions"] = cond
            o["why"] = why
            f.write(json.dumps(o, ensure_ascii=False) + "\n")
    lens = sorted(len(c[0]) for c in CASES)
    print("wrote", OUT)
    print("counts", dict(cnt))
    print("length min/median/max", lens[0], lens[len(lens)//2], lens[-1],
          "| <=10:", sum(l <= 10 for l in lens), "| 11-80:", sum(10 < l <= 80 for l in lens), "| >80:", sum(l > 80 for l in lens))

if __name__ == "__main__":
    main()
