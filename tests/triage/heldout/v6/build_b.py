# -*- coding: utf-8 -*-
"""Held-out set v6 part B: 45 standardized-patient vignettes (Semigran-style 15/15/15),
each written twice by hand (long written message + terse symptom-checker line).
Cases are hand-written; the script only shuffles (seed 6616), assigns ids and checks counts."""
import json, random, collections, pathlib

HT, DM, PG = "hypertension", "diabetes", "pregnancy"

# (group, level, why, long_text, (age, sex, conds), terse_text, (age, sex, conds))
CASES = [
# ---------------- 15 EMERGENT ----------------
("emergent", "emergency",
 "Atypical ACS in an older diabetic woman: epigastric pressure + cold sweat + nausea >15 min at rest = cardiac-type chest pain, 共识Ⅱ级 (§5.3 atypical presentation)",
 "我妈今年62了，糖尿病十来年一直吃二甲双胍，今天下午三点多开始说心口窝那块闷闷的，像吃撑了堵着，还恶心，出了一身冷汗，人特别没劲，到现在快一个钟头了也没缓过来。她说胸口不疼，没拉肚子也没吐，以前胃就不好，非说是胃病犯了躺躺就行，是这样吗",
 (62, "F", [DM]),
 "62岁女 糖尿病 上腹闷胀伴冷汗恶心1小时 无胸痛 无腹泻",
 (62, "F", [DM])),
("emergent", "emergency",
 "Posterior-circulation stroke: sudden vertigo, truncal ataxia, diplopia, vomiting (BE-FAST B+E), within 4.5 h, 共识Ⅱ级 acute stroke (§5.2)",
 "俺爹72岁，高血压吃着硝苯地平，早上七点起床突然天旋地转，站都站不稳老往左边倒，说看东西是两个影儿，吐了两回。嘴不歪，胳膊腿都能动，说话也还清楚，俺娘说是耳石症老毛病让他睡会儿，现在两个多钟头了还是晕得睁不开眼",
 (72, "M", [HT]),
 "突然天旋地转、站不稳、复视2小时，72岁男性，高血压，无口角歪斜",
 (72, "M", [HT])),
("emergent", "emergency",
 "Possible ruptured ectopic pregnancy: late period + unilateral pelvic pain + spotting + near-syncope + shoulder-tip pain, 共识Ⅱ级 suspected ectopic",
 "我28岁女，月经推迟快两周了还没测过，昨晚开始右下边肚子一阵阵疼，今早内裤上有点咖啡色的血量不多，刚才上厕所眼前一黑差点晕过去，现在右肩膀也酸酸的。没发烧，没拉肚子，以前没做过手术。是不是月经要来了？",
 (28, "F", []),
 "28岁女 月经推迟2周 右下腹痛+少量出血 刚才差点晕倒",
 (28, "F", [])),
("emergent", "emergency",
 "Suspected meningococcal meningitis/septicaemia: fever, neck stiffness, photophobia, drowsiness, non-blanching petechiae (NICE NG240), 共识Ⅰ–Ⅱ级",
 "儿子19岁在外地读大学，室友打电话说他昨晚开始发高烧39度多，头疼得厉害一直吐，脖子硬低不下头，怕光，刚才叫他反应有点慢，腿上冒出几个紫红色小点点压了不褪色。不咳嗽，没摔过，平时身体好好的，不会就是普通感冒吧？",
 (19, "M", []),
 "发烧39+头痛+脖子硬+紫癜压不褪 男 19岁",
 (19, "M", [])),
("emergent", "emergency",
 "Urosepsis in the very old: fever + new confusion + tachypnoea + mottled cold limbs + oliguria = suspected sepsis/poor perfusion, 共识Ⅱ级",
 "我奶奶83岁这几天尿频尿疼今天突然糊里糊涂的认不得人了摸着烫量了38.9度呼吸有点快手脚冰凉还发花一天就尿了一点点平时能自己走能说话的没摔没吐也没说哪疼护工说老人发烧正常吃个退烧药就好了",
 (83, "F", []),
 "83岁奶奶 尿痛几天后发烧38.9 今天突然糊涂 手脚凉发花 尿少",
 (83, "F", [])),
("emergent", "emergency",
 "New-onset type 1 diabetes in DKA: polyuria/polydipsia, weight loss, vomiting, abdominal pain, Kussmaul breathing, ketotic breath, meter HI (G-E2, §5.5)",
 "俺家闺女14岁，这个月老喊渴，一天灌好几瓶水，半夜起来尿三四趟，瘦了快十斤。今儿开始吐，喊肚子疼，喘气又深又快，嘴里一股烂苹果味儿，人蔫了吧唧就想睡。邻居拿血糖仪一测显示HI。以前没查过糖尿病，没发烧，也没吃坏啥，咋整啊",
 (14, "F", []),
 "14岁女孩 多饮多尿瘦10斤 今天呕吐腹痛 呼吸深快 血糖仪显示HI",
 (14, "F", [])),
("emergent", "emergency",
 "Pulmonary embolism: post-operative immobility + oestrogen pill, sudden dyspnoea, pleuritic pain, tachycardia, unilateral calf swelling, 共识Ⅱ级 suspected PE",
 "我45岁，女，两周前膝盖做了关节镜手术，一直在家躺着没怎么动，还在吃避孕药。今天上午突然喘不上气，吸气的时候右边胸口扎着疼，心跳特别快，左小腿比右边粗了一圈按着疼。没有咳血，没发烧，以前没有心脏病。",
 (45, "F", []),
 "女45 膝盖术后卧床2周 突发气短+吸气胸痛 左小腿肿 无咯血",
 (45, "F", [])),
("emergent", "emergency",
 "Testicular torsion: sudden severe unilateral testicular pain waking from sleep, vomiting, high-riding testis; 共识Ⅱ级, salvage window ~6 h",
 "孩子14岁男孩，早上五点多睡着觉突然疼醒，说左边蛋蛋疼得要命，连着肚子也疼，吐了一次，现在两个钟头了，那边有点肿，往上缩着。没磕没碰，没发烧，尿尿不疼。孩子不好意思说拖到现在，要不要先观察观察？",
 (14, "M", []),
 "14岁男 睡觉中突发左侧睾丸剧痛2h 呕吐1次 无外伤",
 (14, "M", [])),
("emergent", "emergency",
 "Intussusception: infant with colicky paroxysmal crying, pallor, vomiting and redcurrant-jelly stool; severe paediatric abdominal pain, 共识Ⅱ级",
 "宝宝10个月，从中午开始一阵一阵地哭闹，哭的时候腿缩到肚子上，小脸发白，隔十几二十分钟来一次，中间又好像没事人一样。吐了3次，刚才拉的粑粑是红的，像果酱，还带黏液。不发烧，没吃啥特别的，之前一直好好的。",
 (0, None, []),
 "10个月宝宝一阵阵哭闹、吐、拉果酱样便，不烧",
 (0, None, [])),
("emergent", "emergency",
 "Epiglottitis in an unvaccinated (no Hib) child: high fever, drooling, cannot swallow saliva, muffled voice, tripod posture, stridor; airway threat 共识Ⅰ级",
 "儿子4岁，没打过Hib疫苗，今天下午突然烧到39.6，喉咙疼得连口水都咽不下去，一直流口水，说话声音闷闷的像嘴里含着东西，非要坐着身子往前趴，不肯躺下，喘气有呼噜呼噜的声音。不怎么咳嗽，不像以前那种狗叫一样的咳。先吃点布洛芬行不",
 (4, "M", []),
 "4y boy 高热39.6 流涎 吞咽不能 前倾坐位 声音闷 无咳嗽",
 (4, "M", [])),
("emergent", "emergency",
 "Carbon monoxide poisoning: coal stove in a closed room, household cluster of headache/nausea/vomiting/weakness; toxic exposure 共识Ⅱ级 (急性中毒诊治专家共识)",
 "我们家在山西农村，昨晚屋里生着煤炉子门窗都关着睡的，今早起来我（34岁女）和娃都头疼恶心，娃吐了两回，我一站起来腿就软晕乎乎的，娃他爸睡外屋倒没事。都没发烧没拉肚子，不像吃坏了。现在开窗通风好一点了，还用去医院吗？",
 (34, "F", []),
 "34岁女 昨夜关窗烧煤炉 今早我和孩子都头痛恶心 孩子吐了",
 (34, "F", [])),
("emergent", "emergency",
 "Anaphylaxis after shellfish: urticaria + lip angioedema + throat tightness + dyspnoea + dizziness (WAO criteria), 共识Ⅰ级; antihistamine alone is not enough",
 "我老公30岁，刚才吃了几只虾，二十分钟后全身起一大片一大片的红疙瘩痒得很，嘴唇肿起来了，说嗓子发紧，喘气有点费劲，头晕想吐。以前吃海鲜只是起点小疹子，没有哮喘，没吃别的药。家里有氯雷他定，吃一颗能行吗",
 (30, "M", []),
 "吃虾后20分钟：风团、唇肿、喉咙紧、气短｜男30岁",
 (30, "M", [])),
("emergent", "emergency",
 "Aortic dissection: sudden tearing chest pain radiating to back, sweating, SBP 200, inter-arm difference 30 mmHg (§5.3; BP-E1; 共识Ⅱ级)",
 "我哥58岁血压一直高，药有时吃有时不吃，刚才搬煤气罐的时候突然胸口像撕开一样剧痛，一下子窜到后背，满头大汗，量血压左手200/115右手170/100。没咳嗽没发烧，以前从没这么疼过，他不让打120说歇会就好",
 (58, "M", [HT]),
 "胸痛撕裂样放射背部 大汗 BP 200/115 男性58 高血压史",
 (58, "M", [HT])),
("emergent", "urgent",
 "Suspected acute appendicitis: periumbilical pain migrating to RLQ, low fever, pain 5–6/10, haemodynamically well → 共识Ⅲ级 moderate abdominal pain, same-day hospital",
 "我25岁男的，昨晚黑开始肚脐眼周围隐隐痛，今天上午跑到右下边去了，按到痛，走路一颠更痛，有点恶心不想吃，体温37.8。莫得拉肚子，没吐，还忍得住，大概五六分痛，吃了点胃药没得用。等到周末再去看要得不？",
 (25, "M", []),
 "25岁男 脐周痛转到右下腹 1天 37.8度 恶心 无腹泻",
 (25, "M", [])),
("emergent", "urgent",
 "New hypertension at 32 weeks' gestation (146/94 ×2) without severe features → BP-U1 pregnant ≥140/90; NICE NG133 same-day assessment for pre-eclampsia",
 "我29岁，怀孕32周了，头胎，今天在家量了两次血压都是146/94左右，之前产检一直110/70上下。脚踝有点肿，头不疼，眼睛不花，胃那块也不疼，宝宝胎动跟平时一样。下周才产检，需要提前去吗？",
 (29, "F", [PG]),
 "孕32周/29岁：家测血压146/94两次，无头痛无眼花，胎动好",
 (29, "F", [PG])),

# ---------------- 15 NON-EMERGENT ----------------
("non_emergent", "routine",
 "Home BP above target (mean ~150/94) on monotherapy, no danger signs → BP-T1: family-doctor review and dose adjustment within 2 weeks",
 "王医生，我55岁女，高血压三年了，一直吃氨录地平5毫克一片。最近两个礼拜早晚在家量，早上多在150到158/92到96之间，晚上145左右。头不晕不疼，胸口不闷，腿不肿，药也没漏吃过。要不要调药？",
 (55, "F", [HT]),
 "女55 高血压 家庭血压150-158/92-96已2周 无症状 要调药吗",
 (55, "F", [HT])),
("non_emergent", "routine",
 "Fasting SMBG 8–9 mmol/L for a week on metformin, asymptomatic, no BG ≥16.7 → G-T1: adjust and revisit in 2 weeks",
 "我爸60岁，糖尿病吃二甲双胍一天两次，这一周空腹血糖都在8点几到9点之间，饭后两小时12左右，他自己说是过年吃得多了。不口渴也不多尿，没瘦，精神挺好的，脚也没破。需不需要加药啊？",
 (60, "M", [DM]),
 "60岁男 2型糖尿病 空腹血糖8-9一周 餐后12 不渴不瘦",
 (60, "M", [DM])),
("non_emergent", "routine",
 "Uncomplicated lower UTI in a non-pregnant woman: no fever, no loin pain, no haematuria (NICE NG109) → 共识Ⅳ, family doctor within days",
 "医生好，我30岁女，前天开始尿频尿急，尿的时候火辣辣的，小肚子有点坠。没发烧，腰不疼，没看见尿里有血，没怀孕（月经刚干净），一年前也犯过一次。多喝了两天水没见好，能开点药吗",
 (30, "F", []),
 "尿痛尿频2天 女 30岁 无发热无腰痛 非孕",
 (30, "F", [])),
("non_emergent", "routine",
 "Acute otitis media with otorrhoea after perforation, low-grade fever, no mastoid signs or meningism (NICE CKS AOM) → 共识Ⅳ review within days",
 "孩子7岁，感冒以后右耳朵疼了两天，昨晚枕头上有黄色的水，流出来以后反而不那么疼了。现在体温37.3，能吃能玩，耳朵后面不红不肿，也没有头疼呕吐。要带去医院吗？",
 (7, None, []),
 "7岁孩子 右耳痛2天后流黄水 低烧37.3 耳后不红肿",
 (7, None, [])),
("non_emergent", "routine",
 "Lumbar radiculopathy for 3 weeks without weakness or cauda-equina signs (NICE NG59) → 共识Ⅳ, family doctor review",
 "俺50岁男的，在工地上干活，三个礼拜前扛水泥以后腰疼，现在疼到左边屁股跟大腿后头，坐久了发麻。腿上有劲，走路不瘸，大小便都正常，裆里不麻，不发烧。贴了膏药管点用，想问还要拍片子不",
 (50, "M", []),
 "腰腿痛(左) 3周 男50 无无力 二便正常",
 (50, "M", [])),
("non_emergent", "routine",
 "New discrete breast lump persisting after menses, family history → suspected-cancer referral within 2 weeks (NICE NG12), 共识Ⅳ not an emergency",
 "我35岁女，洗澡的时候摸到左边乳房外上边有个花生米大的硬疙瘩，不疼不痒，推着不太动，有一个礼拜了，来完月经也没消。皮肤没有凹进去，乳头没流水，腋下没摸到东西。我妈五十多岁得过乳腺癌，很担心",
 (35, "F", []),
 "35岁女 左乳无痛硬块1周 经后不消 母亲有乳腺癌",
 (35, "F", [])),
("non_emergent", "routine",
 "Dyspepsia at ≥55 with weight loss: 2-week-wait endoscopy referral (NICE NG12); no bleeding, dysphagia or anaemia symptoms → 共识Ⅳ, not same-day",
 "我父亲58岁，这两个月老说胃胀，吃一点就饱，反酸，体重掉了三四公斤。没有吐血，大便颜色正常不黑，咽东西不卡，也不头晕。自己吃奥美拉唑没什么效果，他烟抽了四十年了",
 (58, "M", []),
 "58岁男 上腹胀早饱2个月 体重降3公斤 无黑便 无吞咽困难",
 (58, "M", [])),
("non_emergent", "urgent",
 "Herpes zoster (thoracic, not ophthalmic) within 72 h in a patient >50 → start antiviral today (NICE CKS shingles); systemically well, so not emergency",
 "阿拉姆妈66岁，前天右边腰背上开始像火烧一样痛，今朝那一圈冒出一串小水泡，只长在右边一条带子上。面孔上、眼睛周围没有，勿发烧，精神还可以，有高血压在吃药。乡下人讲是缠腰龙要画墨，好不好啊",
 (66, "F", [HT]),
 "66岁女 右腰背带状水疱伴烧灼痛2天 眼周无 不发烧",
 (66, "F", [])),
("non_emergent", "routine",
 "Probable streptococcal tonsillitis (FeverPAIN/Centor high) with no airway compromise, drinking well → family doctor in 1–2 days (NICE NG84), 共识Ⅳ",
 "女儿6岁，昨天开始嗓子疼，发烧38.5，今天看扁桃体又红又肿，上面有白点点，脖子两边淋巴结摸着大还疼，不咳嗽不流鼻涕。能喝水能吃稀饭，喘气不费劲，不流口水。家里有阿莫西林能直接吃吗？",
 (6, "F", []),
 "女孩6岁：嗓子痛+发烧38.5，扁桃体有白点，不咳",
 (6, "F", [])),
("non_emergent", "routine",
 "Vulvovaginal candidiasis in pregnancy, no bleeding/pain/fever → topical azole after review (NICE CKS), 共识Ⅳ",
 "我27岁，怀孕20周了，这几天下面特别痒，白带多，像豆腐渣一样，没有臭味。没有出血，肚子不疼，不发烧，尿尿不疼，胎动正常。孕期能不能用栓剂？想约个时间看看",
 (27, "F", [PG]),
 "孕20周 27岁 外阴痒 豆渣样白带 无出血无腹痛",
 (27, "F", [PG])),
("non_emergent", "routine",
 "Bilateral ankle oedema after amlodipine up-titration, BP controlled, no orthopnoea or dyspnoea → drug adverse reaction, 规范 2-week review (§1.6)",
 "老伴72岁高血压，上个月医生把药换成了氨氯地平10mg，这半个月两个脚脖子都肿，按下去一个坑，早上轻晚上重。血压现在128/76，喘气正常，晚上能平躺睡，不胸闷，尿也不少。是不是药的副作用？",
 (72, None, [HT]),
 "72岁男 高血压 加量氨氯地平后双踝水肿 能平卧 不气短",
 (72, "M", [HT])),
("non_emergent", "routine",
 "Brief isolated palpitations (likely ectopics) with caffeine/sleep loss, no syncope/chest pain/family SCD, normal HR → ECG in primary care (NICE CKS), 共识Ⅳ",
 "我28岁女，最近一个月偶尔心慌一下，像心跳漏了一拍，一次几秒钟就过去了，多在熬夜喝咖啡以后。没晕过，没胸痛，运动时也没事，家里没有人猝死。在药店量心率78，血压110/70，要不要做个心电图？",
 (28, "F", []),
 "偶尔心跳漏一拍几秒钟 28F 没晕过 没胸痛",
 (28, "F", [])),
("non_emergent", "routine",
 "Gradual fatigue, cold intolerance, weight gain, dry skin over 6 months (possible hypothyroidism/menopause) → TSH at family doctor, 共识Ⅳ non-urgent",
 "我50岁女，这半年总觉得累，怕冷，体重长了四五公斤，皮肤干，大便也干，头发掉得多，月经已经不太规律了。没有心慌，脖子没看到肿块，吃饭正常，不是突然这样的。是不是更年期？要查啥？",
 (50, "F", []),
 "50岁女 半年来乏力怕冷 体重增加 皮肤干 无心慌",
 (50, "F", [])),
("non_emergent", "routine",
 "Infant atopic eczema, not infected (no weeping/crusting), feeding and growing well (NICE CG57) → primary-care review for emollient/topical steroid plan",
 "宝宝7个月男孩，两边脸蛋和胳膊肘弯里起红红的粗糙疹子一个多月了，痒得老蹭，晚上睡不踏实。没有流水，没结黄痂，不发烧，吃奶正常，体重长得好。用了婴儿润肤霜好一点又反复，想问用什么药",
 (0, "M", []),
 "7个月男婴 脸颊肘窝湿疹1月余 痒 无渗液 吃奶好",
 (0, "M", [])),
("non_emergent", "urgent",
 "Diabetic foot: new ulcer with spreading erythema and warmth in a neuropathic insulin-treated foot → diabetic-foot red flag = urgent (clinical_rules §2.4); no systemic signs",
 "我63岁男，糖尿病十年打胰岛素，前天穿新鞋右脚大脚趾边上磨了个泡，今天泡破了，周围一圈红肿发热，比昨天大了一圈，有点疼。没发烧，没流脓，早上血糖9.2。脚本来就有点麻木。要紧不？",
 (63, "M", [DM]),
 "糖尿病 63岁男 脚趾磨破后红肿发热 一天内扩大 无发烧",
 (63, "M", [DM])),

# ---------------- 15 SELF-CARE ----------------
("self_care", "self_care",
 "Viral URTI/common cold, low-grade fever settling, no dyspnoea (NICE CKS common cold) → self-care, no antibiotics or IV drip",
 "我25岁女的，前天淋了雨开始流清鼻涕打喷嚏，嗓子有点疼，昨晚体温37.6，今天37.2。能吃能睡，不咳嗽没有痰，不喘，头也不怎么疼。上班有点难受，是不是要去挂水打消炎针？",
 (25, "F", []),
 "感冒2天 流涕 咽痛 37.6 女25 不喘不咳",
 (25, "F", [])),
("self_care", "self_care",
 "Acute cough after URTI (likely bronchitis), afebrile, no dyspnoea/chest pain/haemoptysis, non-smoker (NICE NG120) → self-care; cough may last 3 weeks",
 "我40岁男，不抽烟，十天前感冒，现在鼻涕好了就剩咳嗽，有点白痰，晚上咳得多。早就不发烧了，不喘，胸口不疼，爬三楼也不累，没咳过血。喝了几天止咳糖浆，是不是得拍个胸片吃点消炎药？",
 (40, "M", []),
 "40岁男 感冒后咳嗽白痰10天 不发热 不喘 无咯血",
 (40, "M", [])),
("self_care", "self_care",
 "Typical tension-type headache: bilateral band-like, stress-related, recurrent, no red flags (NICE CG150) → self-care, no CT needed",
 "我32岁女做会计，月底加班这几天一到下午头两边就紧紧的像箍了个带子，不算特别疼，揉揉脖子睡一觉就好点。不恶心不吐，看东西清楚，手脚有劲说话正常，不是突然炸开那种疼，以前也这样过。怕是脑瘤，要不要做个CT",
 (32, "F", []),
 "32岁女 加班后双侧头部紧箍样痛 无呕吐 视物正常",
 (32, "F", [])),
("self_care", "self_care",
 "Mild adult gastroenteritis: non-bloody diarrhoea ×4, afebrile, drinking, no dehydration (NICE CKS) → oral fluids/ORS self-care",
 "我28岁男，琴晚食咗烧烤，今日屙咗4次水样嘅，肚有啲咕咕痛，屙完就好啲，冇呕。冇发烧，大便冇血，小便正常，口唔干，饮水OK。公司有两个同事都屙，要食咩药？",
 (28, "M", []),
 "28岁男 烧烤后腹泻4次 无血便 不发烧 能喝水",
 (28, "M", [])),
("self_care", "self_care",
 "Local reactions to mosquito bites, no spreading cellulitis, no systemic allergy (NICE CKS insect bites) → cool compress/oral antihistamine",
 "孩子5岁男孩，前天在老家院子里玩被蚊子咬了好多包，腿上有几个肿得有一块钱硬币那么大，痒得一直抓。不发烧，精神好，包周围没有一大片红往外扩，没流脓，喘气也正常，脸不肿。吓死了😱是不是过敏了",
 (5, "M", []),
 "5岁男孩 蚊子包多个 肿痒 不发烧 红肿不扩散",
 (5, "M", [])),
("self_care", "self_care",
 "Mild lateral ankle sprain, weight-bearing, no malleolar or 5th-metatarsal tenderness (Ottawa ankle rules negative) → RICE self-care, no X-ray",
 "我22岁男，今天下午打篮球落地崴了右脚，外脚踝肿了一点点，走路有点疼但能自己走回宿舍，按脚踝后面那块骨头和脚外侧那根骨头都不疼，脚趾能动也不麻。已经冰敷了，要不要去拍片？",
 (22, "M", []),
 "崴脚 能走路 外踝轻度肿 骨头按不痛 22岁男",
 (22, "M", [])),
("self_care", "self_care",
 "Superficial sunburn without extensive blistering or heat illness (NICE CKS sunburn) → cool, moisturise, analgesia; pain exaggerated but minor",
 "我30岁女，昨天在三亚海边晒了一下午没涂防晒，今天肩膀和后背红通通的，摸着烫，疼得衣服都不敢碰😭 没起大水泡，没发烧没发冷，不头晕不想吐，喝水正常。要不要去医院啊疼死了",
 (30, "F", []),
 "30岁女 海边晒伤 肩背红痛 没起泡 无发热头晕",
 (30, "F", [])),
("self_care", "self_care",
 "Infective conjunctivitis: sticky discharge, normal vision, no pain/photophobia/trauma (NICE CKS) → self-care, hygiene",
 "儿子8岁，今早起床右眼眼屎多黄黄的把眼睛糊住了，眼白有点红，下午左眼也开始红。看东西清楚，眼睛不疼就是有点痒涩，不怕光，没被东西戳到，不发烧。班上好几个小朋友都这样，要滴什么眼药水？",
 (8, "M", []),
 "红眼+黄色分泌物1天，8岁男孩，视力正常，不痛",
 (8, "M", [])),
("self_care", "self_care",
 "Post-prandial heartburn in a young adult: positional, antacid-responsive, no exertional/cardiac features or risk factors (NICE CKS dyspepsia) → lifestyle + antacid",
 "我24岁男，晚上吃了顿麻辣火锅还喝了冰啤酒，吃完躺沙发上就觉得胸口后面火烧火燎的，嘴里泛酸水，坐起来好一点。没有出汗，不喘，胳膊下巴都不疼，平时踢球一点问题没有，不抽烟，家里也没人有心脏病。嚼了一片铝碳酸镁好多了",
 (24, "M", []),
 "24岁男 吃火锅后烧心反酸 平躺加重 无出汗气短",
 (24, "M", [])),
("self_care", "self_care",
 "Home glucose at target (fasting 6.5 within 4.4–7.0; 2-h post-meal 8.6 <10.0, CDS 2020), asymptomatic → reassure, continue current treatment",
 "我67岁女，糖尿病吃二甲双胍，社区让我在家测血糖，今天早上空腹6.5，午饭后两小时8.6。人没有不舒服，不心慌不出汗，也不口渴。这个数算正常吗？要不要加药啊？",
 (67, "F", [DM]),
 "67岁女 糖尿病 空腹6.5 餐后2h 8.6 没不舒服 正常吗",
 (67, "F", [DM])),
("self_care", "self_care",
 "Teething: drooling, gum redness, irritability, temperature normal (37.4), feeding and wet nappies normal (NICE CKS teething) → self-care",
 "娃一岁半，最近口水特别多，老啃手指头，牙床有点红肿，脾气大，夜里醒两回。体温37.4，吃饭喝奶都还行，尿布湿的次数跟平常一样，没拉肚子没起疹子。老人说长牙会发高烧，要不要吃药",
 (1, None, []),
 "1岁半宝宝 流口水啃手 牙龈红肿 37.4 吃喝正常",
 (1, None, [])),
("self_care", "self_care",
 "Infant regurgitation (possetting): effortless small posset, thriving, no distress, no projectile vomiting (NICE NG1) → reassurance",
 "我闺女5个月，每次喝完奶嘴角都会溢出一两口奶，不是喷出来那种。体重每个月都长得挺好，精神好，大便正常，吃奶不哭闹也不打挺，没发烧。第一次当妈特别紧张，是不是胃有问题？",
 (0, "F", []),
 "5月龄女婴 喂奶后溢奶一两口 非喷射 体重增长好",
 (0, "F", [])),
("self_care", "self_care",
 "Primary dysmenorrhoea, usual pattern, NSAID-responsive, no fever or abnormal discharge, not sexually active (NICE CKS) → self-care",
 "我19岁女大学生，每次来月经头一天小肚子坠着疼，这次也一样，吃了一片布洛芬好多了。月经准时来的，量跟以前一样，没发烧，白带正常，没有性生活。室友说可能是子宫有毛病，把我吓到了",
 (19, "F", []),
 "痛经 19岁女 跟每个月一样 吃布洛芬管用",
 (19, "F", [])),
("self_care", "self_care",
 "Anterior epistaxis stopped with first aid, BP 135/80, no anticoagulant/antiplatelet (NICE CKS epistaxis) → self-care, humidify, avoid picking",
 "我父亲72岁有高血压，今早擤鼻涕后左边鼻子流血，按医生说的捏住鼻子前头低头十分钟就止住了。血压量了135/80，没吃阿司匹林也没吃华法林这类药，不头晕。天干，他老爱抠鼻子。需要去医院看吗",
 (72, "M", [HT]),
 "72岁男 高血压 鼻出血捏鼻10分钟已止 血压135/80 未服抗凝药",
 (72, "M", [HT])),
("self_care", "self_care",
 "Mild nausea/vomiting of pregnancy at 8 weeks, tolerating fluids, no dehydration/pain/bleeding (RCOG GTG69, NICE CKS) → self-care",
 "我26岁，怀孕八周，这几天早上起来恶心，刷牙的时候干呕吐一两次，其他时候还能吃点饼干喝水，尿颜色正常，肚子不疼也没出血，体重没怎么掉。这样宝宝会不会营养不够？",
 (26, "F", [PG]),
 "孕8周 26岁 晨起恶心偶吐 能吃能喝 尿色正常 无出血",
 (26, "F", [PG])),
]


def rec(cid, pair, setname, text, meta, level, why):
    age, sex, conds = meta
    r = {"id": cid, "set": setname, "pair": pair, "text": text, "level": level}
    if age is not None:
        r["age"] = age
    if sex is not None:
        r["sex"] = sex
    if conds:
        r["conditions"] = list(conds)
    r["why"] = why
    return r


def main():
    assert len(CASES) == 45, len(CASES)
    groups = collections.Counter(c[0] for c in CASES)
    assert groups == {"emergent": 15, "non_emergent": 15, "self_care": 15}, groups
    for g, lvl, *_ in CASES:
        if g == "self_care":
            assert lvl == "self_care"
        if g == "emergent":
            assert lvl in ("emergency", "urgent")
        if g == "non_emergent":
            assert lvl in ("routine", "urgent")
    assert sum(1 for c in CASES if c[0] == "non_emergent" and c[1] == "urgent") <= 3
    em = collections.Counter(c[1] for c in CASES if c[0] == "emergent")
    assert em["emergency"] > em["urgent"]
    # length checks
    for g, lvl, why, lt, lm, tt, tm in CASES:
        assert 60 <= len(lt) <= 200, (len(lt), lt)
        assert 15 <= len(tt) <= 50, (len(tt), tt)
        assert "\n" not in tt
    texts = [c[3] for c in CASES] + [c[5] for c in CASES]
    assert len(set(texts)) == 90

    order = list(range(45))
    random.Random(6616).shuffle(order)
    longs, terses = [], []
    for pos, idx in enumerate(order):
        g, lvl, why, lt, lm, tt, tm = CASES[idx]
        pair = pos + 1
        longs.append(rec("h6v-%03d" % pair, pair, "vignette_long", lt, lm, lvl, why))
        terses.append(rec("h6v-%03d" % (pair + 45), pair, "vignette_terse", tt, tm, lvl, why))
    out = pathlib.Path(__file__).with_name("triage_heldout_v6_vignettes.jsonl")
    with out.open("w", encoding="utf-8") as f:
        for r in longs + terses:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")

    table = collections.Counter((r["set"], r["level"]) for r in longs + terses)
    levels = ["emergency", "urgent", "routine", "self_care"]
    print("set             " + " ".join("%10s" % l for l in levels) + "  total")
    for s in ("vignette_long", "vignette_terse"):
        row = [table[(s, l)] for l in levels]
        print("%-15s " % s + " ".join("%10d" % n for n in row) + "  %5d" % sum(row))
    print("pair -> group:", {pos + 1: CASES[idx][0] for pos, idx in enumerate(order)})
    print("long len", min(len(c[3]) for c in CASES), max(len(c[3]) for c in CASES),
          "terse len", min(len(c[5]) for c in CASES), max(len(c[5]) for c in CASES))
    print("wrote", out, len(longs) + len(terses))


if __name__ == "__main__":
    main()
