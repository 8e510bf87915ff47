# -*- coding: utf-8 -*-
"""Held-out set v9, part A: 90 colloquial WeChat triage messages (hand-written).
Run: python3 build.py  -> writes triage_heldout_v9_a.jsonl and checks composition."""
import json, random, collections, os

SEED = 9909
SET = "colloquial"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "triage_heldout_v9_a.jsonl")

# voice codes (not exported): S = resident about self, R = relative/other writer, T = badly typed
# (voice-to-text without punctuation, IME homophone slips, heavy dialect, numbers in Chinese characters)
# tuple: (voice, level, text, age, sex, conditions, why)
E, U, RT, SC = "emergency", "urgent", "routine", "self_care"
CASES = [
# ---------------- EMERGENCY (25) ----------------
("R", E, "医生你好，我在东莞上班，刚跟老家的我爸视频，他今年七十三，有高血压一直吃着药。我妈说他早上还好好的，吃完午饭那会儿开始说话有点大舌头，右手拿筷子老往下掉，他自己说就是昨晚没睡好，叫我别瞎操心。我离得远干着急，这样真的没事吗？", 73, "M", ["hypertension"],
 "Sudden slurred speech + one-hand weakness = 中风120/BE-FAST; acute stroke 共识Ⅱ级 → 120"),
("T", E, "我妈刚才看电视突然嘴就歪了左边胳膊抬不起来叫她还能答应就是说话呜噜呜噜听不清咋整", None, "F", None,
 "Sudden face droop + arm weakness + dysarthria = 中风120; acute stroke 共识Ⅱ级 → 120"),
("S", E, "俺是老糖尿病了，今年六十八，从半夜开始心口窝那儿闷，出了一身冷汗，还恶心想吐，吃了两片胃药也不管用，是不是胃病又犯了", 68, None, ["diabetes"],
 "Atypical ACS in elderly diabetic (epigastric pressure + sweating + nausea, unrelieved) = cardiac-type chest pain 共识Ⅱ级"),
("S", E, "我52岁，女，刚才爬三楼胸口像压了块石头，歇了快二十分钟还没缓过来，左胳膊也麻麻的。是更年期的原因吗", 52, "F", None,
 "Pressing chest pain >15 min not relieved by rest, radiating to left arm = cardiac-type chest pain 共识Ⅱ级 → 120"),
("R", E, "老头子慢阻肺十几年了，今天喘得话都说不成句，嘴唇发紫，夹手指那个测的86，平时都是93、94", None, "M", ["copd"],
 "SpO2 86% with inability to speak in sentences and cyanosis = 共识Ⅱ级 (SpO2 80–90 with dyspnoea) → 120"),
("T", E, "在坡上掰包谷遭马蜂叮了手背 半个钟头了 现在喉咙发紧 声音都哑了 身上起好多风团 脑壳有点晕", None, None, None,
 "Sting followed by throat tightness, voice change, urticaria and faintness = anaphylaxis (WAO 2020) → 120"),
("R", E, "他爹下午在村卫生室挂完头孢回来的，吃了晚饭，看了会电视，刚才说嗓子眼像有东西堵着，人发飘，一站起来就要倒", None, "M", None,
 "Airway symptom + presyncope hours after IV cephalosporin = anaphylaxis (WAO); 基层HTN list 'sudden severe allergic reaction' → 120"),
("S", E, "请问一下，我半小时前把一整板安眠药吃了，十来片艾司唑仑，现在人还清醒，也不难受，想问问会有什么后果", None, None, None,
 "Acute drug overdose (deliberate) = 共识Ⅰ级 regardless of current alertness → 120"),
("R", E, "孙子两岁半，刚才把我床头的降压药翻出来了，硝苯地平缓释片，少了三四颗，也不知道是不是他吃的，现在看着好好的还在玩，要紧不", 2, None, None,
 "Possible calcium-channel-blocker ingestion in a toddler (1–2 tablets can be lethal) = poisoning 共识Ⅱ级 → ED now"),
("R", E, "俺叔跟婶子吵架，喝了小半瓶敌敌畏，吐了一回，嘴里一股子药味，现在还能说话，家里人正劝着呢", None, "M", None,
 "Organophosphate pesticide ingestion = 急性中毒 共识Ⅰ/Ⅱ级 → 120 even while talking"),
("T", E, "家里烧的煤炉子 今早起来俺们三口都脑瓜子疼 恶心 俺妈还吐了 走道直打晃 是不是昨晚吃的酸菜不对劲啊", None, None, None,
 "Household cluster of headache, vomiting and ataxia with coal stove = CO poisoning (toxic exposure 共识Ⅱ级) → leave room, 120"),
("R", E, "昨晚屋里烧了一盆炭烤火，门窗都关紧了的，今天早上我爷爷喊不太醒，迷迷糊糊的", None, "M", None,
 "Charcoal burning in closed room + impaired consciousness = CO poisoning, 共识Ⅰ/Ⅱ级 → 120"),
("R", E, "我婆婆这两天拉的屎黑乎乎的跟柏油一样，还挺稀，今早起来上厕所眼前一黑差点栽倒", None, "F", None,
 "Melaena with presyncope = active GI bleeding 共识Ⅱ级 → 120"),
("R", E, "我爸吐了一口咖啡渣一样的东西，他说胃病老毛病了不让我管，可他脸白得吓人，手也冰凉", None, "M", None,
 "Coffee-ground haematemesis with pallor and cold hands (poor perfusion) = active GI bleed 共识Ⅱ级 → 120"),
("T", E, "阿爸打胰岛素嘅 中午冇点食饭 而家成身冷汗 讲嘢乱晒 唔认得我 测咗2.6", None, "M", ["diabetes"],
 "Insulin-treated, BG 2.6 (<3.33) with confusion = 共识Ⅰ级 / G-E1 level-3 hypoglycaemia → sugar if swallowing safely + 120"),
("T", E, "血压一百九十五一百一十二 头疼得像要裂开 吐了两回了 看东西也模模糊糊的", None, None, None,
 "BP ≥180/110 with severe headache, vomiting and blurred vision = BP-E1 / 高血压急症 → 120"),
("R", E, "宝宝刚满四十天，今天摸着额头烫，腋下量了38.2，奶吃得还可以，也不怎么哭，能不能先物理降温观察一下", 0, None, None,
 "Infant <3 months with T ≥38 °C = NICE NG143 red (high risk) → emergency assessment now"),
("R", E, "老婆怀孕七个多月，刚上厕所发现流了好多血，裤子都湿了，肚子还一阵一阵发硬", None, "F", ["pregnancy"],
 "Heavy antepartum haemorrhage with contractions at ~30 weeks = active bleeding 共识Ⅱ级 (RCOG GTG63) → 120"),
("S", E, "孕35周了，从昨天晚上到现在好像就感觉到动了一两下，平时这个点踢得可欢了。我喝了点凉水侧躺着数了一个钟头，也没怎么动。是不是宝宝在睡觉？我明天本来就要产检，到时候再说可以吗，不想大半夜跑医院", None, "F", ["pregnancy"],
 "Reduced fetal movements ≥28 weeks = RCOG GTG57: immediate maternity assessment, do not wait until tomorrow"),
("T", E, "娃儿一岁半 刚刚把遥控板后头那个圆圆的纽扣电池吞了 现在莫得啥子反应 照样在耍 要不要紧嘛", 1, None, None,
 "Button-battery ingestion = emergency X-ray/removal within 2 h (ESPGHAN 2021) even if asymptomatic"),
("R", E, "孩子三岁，幼儿园老师说他吞了好几颗那种巴克球小磁珠，下午开始说肚子有点疼", 3, None, None,
 "Multiple magnet ingestion with abdominal pain = perforation/obstruction risk (NASPGHAN) → ED now"),
("R", E, "奶奶八十五了，前天还好好的，这两天突然特别能睡，今天喊半天不睁眼，掐她一下才哼一声，饭也没吃", 85, "F", None,
 "Acute decline to response only to pain = 共识Ⅰ级 acute impaired consciousness → 120"),
("T", E, "阿拉姆妈吃华法林个 早浪向卫生间跌了一跤 后脑勺磕到了 现在讲头痛 刚刚还吐了一趟", None, "F", ["anticoagulant"],
 "Head injury on warfarin with headache + vomiting = suspected intracranial bleed (NICE CG176; 5.6 anticoagulation) → 120"),
("S", E, "医生谢谢你这几年照顾我 药我都攒够了 今晚就不拖累家里了", None, None, None,
 "Suicide plan with means and timing = 共识Ⅰ级 (active self-harm) → 120/110 now"),
("T", E, "我爸从房顶上摔下来了腿都变形了骨头都戳出来了流了好多血一直喊疼", None, "M", None,
 "Fall from height with open deformed fracture and active bleeding = 共识Ⅱ级 major fracture → 120"),

# ---------------- URGENT (22) ----------------
("R", U, "孩子三岁，烧了两天了，一直三十九度上下，今天一上午就尿了一回，嘴巴干干的，不过还跟我们说话玩手机", 3, None, None,
 "Fever with reduced urine and dry mouth = some dehydration (NICE NG143 amber; 共识Ⅲ dehydration) → see doctor today"),
("T", U, "坐了二十多个钟头绿皮火车回来右边小腿肿了红红的一按就疼比左腿粗了一圈喘气倒是没啥胸口也不疼要紧不", None, None, None,
 "Unilateral swollen tender calf after long travel = suspected DVT, no PE features → same-day assessment (NICE NG158)"),
("T", U, "我有糖尿病咯 这两天屙尿又急又痛 今天发烧三十八度五 右边腰子那里也胀痛", None, None, ["diabetes"],
 "Febrile UTI with flank pain in a diabetic = possible pyelonephritis → same-day (共识Ⅲ; NICE CKS)"),
("T", U, "刚量了三遍 一百八十五一百一十二 一百八十三一百一十 一百八十六一百一十三 头不疼不晕 心也不慌 想问问药要不要加", None, None, None,
 "Confirmed ≥180/110 without symptoms = BP-U1 (高血压亚急症) → same-day family-doctor contact"),
("R", U, "四个月的宝宝，下午开始发烧，刚量39度，吃奶比平时少一点，逗她还会笑", 0, "F", None,
 "Age 3–6 months with T ≥39 °C = NICE NG143 amber → face-to-face assessment today"),
("S", U, "怀孕三十周，今天自己在家量血压145/95，歇了一会再量还是142/93，头不疼，眼睛也不花", None, "F", ["pregnancy"],
 "Pregnant with BP ≥140/90 = BP-U1; same-day pre-eclampsia assessment (NICE NG133), no severe features"),
("T", U, "糖尿病十年了 今天雪糖测了两次都是十八点几 不口干 没吐 也没有肚子疼 能吃能睡", None, None, ["diabetes"],
 "BG ≥16.7 on two readings without symptoms = G-U2 → same-day contact and ketone check"),
("T", U, "从昨天黑了吐到现在 喝口水都吐出来 尿也没几滴 头晕乎乎的 肚子倒不咋疼", None, None, None,
 "Persistent vomiting with dehydration (scant urine) = 共识Ⅲ → same-day"),
("R", U, "我妈七十了，从中午开始肚子疼，说不是很厉害还能忍，没拉没吐，也不发烧", 70, "F", None,
 "Any abdominal pain at age >65 = 共识Ⅲ (same-day hospital)"),
("S", U, "吃利伐沙班的，昨天夜里起夜在门框上碰了下头，鼓了个包，今天没啥感觉，不晕不吐", None, None, ["anticoagulant"],
 "Head injury on an anticoagulant = same-day CT (5.6; NICE CG176) even without symptoms"),
("T", U, "孝喘犯了 喷了两回沙丁胺醇 好点了 还是有点憋 话能说完整 指脉氧九十六", None, None, ["asthma"],
 "Acute asthma with stable vitals, partial response = 共识Ⅲ → see doctor today"),
("S", U, "老糖尿病了，左脚底板磨的那个泡破了，这两天周围又红又肿，还往外渗黄水，有点味道", None, None, ["diabetes"],
 "Diabetic foot with spreading redness and discharge = diabetic-foot red flag → urgent referral (基层糖尿病指南)"),
("T", U, "额头右边冒出一串水泡 很痛厚 今天右眼也红起来 看东西有点刺眼", None, None, None,
 "Forehead zoster with red, photophobic eye = herpes zoster ophthalmicus → same-day (NICE CKS shingles)"),
("T", U, "右下边肚子疼一天了 越来越疼 走路得猫着腰 有点低烧三十七度八 中不中啊", None, None, None,
 "Progressive right-lower abdominal pain with fever = suspected appendicitis, moderate pain 共识Ⅲ → same-day"),
("R", U, "我老婆怀孕两个月，这三天吐得厉害，吃啥吐啥，水都喝不进去，今天尿特别黄特别少", None, "F", ["pregnancy"],
 "Hyperemesis with inability to keep fluids and oliguria = dehydration 共识Ⅲ (RCOG GTG69) → same-day"),
("T", U, "心荒一上午了 电子血压计上显示心率126 躺着歇了半个钟头还是一百二十多 胸口不疼 也不喘", None, None, None,
 "Persistent resting HR 100–150 without chest pain/dyspnoea = 共识Ⅲ → same-day ECG"),
("S", U, "这阵子老想着要是睡过去不醒就好了，也没想咋样，就是啥都提不起劲，吃不下睡不着", None, None, None,
 "Passive suicidal ideation without plan + depressive symptoms = 共识Ⅲ self-harm risk → same-day contact"),
("R", U, "我在外地，刚我妈打电话说我爸咳嗽发烧三天了，他78了，三十八度多，吐黄痰，村医拿手指夹那个测的94，说话不喘，就是饭吃得少，人没平时精神。村里离县医院四十里，是今天就得去还是再观察两天？", 78, "M", None,
 "Suspected pneumonia in elderly, SpO2 94 without distress = 共识Ⅲ → same-day"),
("S", U, "慢阻肺老病号，这两天痰多了还变黄了，比平时喘一点，在家测血氧95，还能下楼溜达", None, None, ["copd"],
 "COPD exacerbation with SpO2 ≥94 and no distress → family doctor within 24 h (5.6)"),
("T", U, "被邻居家的狗咬了小腿 破皮出血了 那狗没打过疫苗 明天再去打针行不", None, None, None,
 "Category III dog bite = rabies PEP and wound care today (狂犬病暴露预防处置工作规范 2023), not tomorrow"),
("R", U, "俺爹八十一了，从早上到现在一滴尿都尿不出来，小肚子憋得鼓鼓的，难受得直哼哼", 81, "M", None,
 "Acute urinary retention = moderate pain needing same-day catheterisation (共识Ⅲ)"),
("R", U, "我老公切菜把手指头切了个大口子，挺深的，按了十来分钟还在往外渗血，能看见里面白白的", None, "M", None,
 "Deep laceration needing closure, bleeding controlled by pressure = same-day wound care (共识Ⅲ/Ⅳ)"),

# ---------------- ROUTINE (23) ----------------
("T", RT, "大夫 俺高血压那药氨氯地平快吃没了 能给开俩月的不 血压一直挺稳 一百三左右", None, None, ["hypertension"],
 "Stable chronic disease, prescription only = 共识Ⅳ 非急症"),
("T", RT, "最近一个礼拜早上量雪压都在145/90上下 药天天按时吃 没啥不得劲的", None, None, None,
 "Home BP mildly above target, asymptomatic = BP-T1 → family-doctor review within 2 weeks"),
("S", RT, "糖尿病，这礼拜空腹测了三回，七点五、七点八、八点一，二甲双胍一直吃着没断", None, None, ["diabetes"],
 "Fasting ≥7.0 on ≥3 readings = G-T1 → adjust, revisit within 2 weeks"),
("T", RT, "吃了医生开个依那普利以后 老是干咳 喉咙口痒丝丝个 夜里也咳 别个倒呒啥", None, None, None,
 "ACE-inhibitor cough = non-dangerous adverse reaction → 规范 2-week review/switch"),
("S", RT, "吃氨氯地平以后脚脖子有点肿，一按一个小坑，走路不喘，晚上躺平睡没问题", None, None, None,
 "Dihydropyridine ankle oedema without heart-failure signs = routine drug review"),
("S", RT, "洗澡时摸到左边乳房有个小疙瘩，黄豆那么大，不疼，一个多礼拜了还在", None, None, None,
 "New breast lump = referral within 2 weeks (NICE NG12), not acute"),
("S", RT, "脖子右边有个包 两个多月了 不痛不痒 感觉好像比以前大了点", None, None, None,
 "Persistent enlarging neck lump = routine referral within 2 weeks (NICE NG12)"),
("T", RT, "咳咗成个月 干咳 冇发烧 冇咳过血 都唔喘 食咗廿几年烟", None, None, None,
 "Cough >3 weeks in a smoker without red flags = chest X-ray within 2 weeks (NICE NG12)"),
("T", RT, "二甲双胍吃了老拉肚子一天两三回人倒没啥精神也挺好就是烦人", None, None, None,
 "Metformin GI side effect, no dehydration = routine review (共识Ⅳ)"),
("T", RT, "吃阿托伐他汀俩月了 俩腿有点酸 不耽误干活 尿色儿也正常 咋整", None, None, None,
 "Mild statin myalgia without dark urine = routine CK/review"),
("R", RT, "我在上海，我妈一个人在老家，今天打电话她才说这半年没减肥，体重掉了十来斤，吃饭跟以前差不多，也没别的不舒服，还叫我别担心。我有点不放心，要不要带她去查查？", None, "F", None,
 "Unexplained weight loss = investigation within 2 weeks (NICE NG12), not acute"),
("S", RT, "绝经五六年了，这几天内裤上偶尔有点血丝，量不多，肚子也不疼", None, "F", None,
 "Post-menopausal bleeding = gynae referral within 2 weeks (NICE NG12)"),
("R", RT, "我妈膝盖疼了好几年了，上下楼梯更疼，想给她开点药膏，能开不", None, "F", None,
 "Known chronic symptom, prescription request = 共识Ⅳ 非急症"),
("R", RT, "我爸一个多月了晚上翻来覆去睡不着，白天没精神，能不能给他开点帮助睡觉的药", None, "M", None,
 "Chronic insomnia = routine review (screen mood)"),
("R", RT, "老头子夜里要起来尿三四回，尿线细，要等半天才出来，不痛也没血", None, "M", None,
 "Chronic lower urinary tract symptoms without retention = routine assessment"),
("S", RT, "胰岛素快没了 开点", None, None, ["diabetes"],
 "Prescription refill only = 共识Ⅳ 非急症"),
("R", RT, "孩子两岁多了还只会叫爸爸妈妈，别的话都不说，我们讲话他听得懂", 2, None, None,
 "Speech delay = routine developmental referral"),
("S", RT, "背上一颗黑痣这两个月变大了，边边不太整齐，颜色也深一块浅一块", None, None, None,
 "Changing mole (ABCDE) = suspected melanoma referral within 2 weeks (NICE NG12)"),
("S", RT, "体检B超说甲状腺结节，TI-RADS 3类，要紧吗？要不要去大医院", None, None, None,
 "TI-RADS 3 nodule = routine follow-up ultrasound"),
("R", RT, "我爸这半个月早上起床有点头晕，坐一会儿就好了，量血压110/68，他吃着三种降压药，是不是药多了？人没摔过", None, "M", ["hypertension"],
 "Possible over-treatment with postural dizziness, no syncope = routine medication review within days"),
("T", RT, "反酸烧新两个多月了 吃奥美拉唑就好点 一停又犯 咽东西不噎 大便颜色也正常", None, None, None,
 "Persistent reflux without alarm features = routine review"),
("S", RT, "糖尿病，糖化血红蛋白8.2，上回三个月前是7.9，药一顿没落下", None, None, ["diabetes"],
 "HbA1c above target over ≥3 months = G-T2 → upward referral/adjustment within 2 weeks"),
("S", RT, "糖尿病十几年了，两个脚底板发麻好几个月了，像踩着棉花，没破也没红", None, None, ["diabetes"],
 "Chronic peripheral neuropathy without ulcer = routine complication screening"),

# ---------------- SELF_CARE (20) ----------------
("T", SC, "感帽三天了 鼻涕哗哗的 嗓子有点疼 不发烧 不胸闷 也不喘 要吃抗生素吗", None, None, None,
 "Uncomplicated URTI, red flags denied = self-care (NICE CKS)"),
("R", SC, "闺女眼皮上长了个针眼，红红的有点疼，看东西没影响", None, "F", None,
 "Hordeolum, vision normal = warm compresses, self-care"),
("S", SC, "嘴里长了个溃疡 吃饭疼死了!!! 三四天了😭", None, None, None,
 "Aphthous ulcer of a few days = self-care; review if >3 weeks"),
("T", SC, "昨天七了路边摊 拉了四五回 今天就拉了一次 冇发烧 大便里冇得血 水也喝得进", None, None, None,
 "Settling gastroenteritis without dehydration or blood = oral fluids, self-care"),
("S", SC, "胳膊撞门框上青了一大块，两天了，不咋肿，能抬能转，我没吃啥抗凝的药", None, None, None,
 "Simple bruise, full movement, not anticoagulated = self-care"),
("T", SC, "今天早上量血压一百二十八七十八 这算高不 我都不敢吃咸菜了", None, None, None,
 "Normal BP reading; reassurance"),
("S", SC, "我高血压，吃的缬沙坦，这两天感冒了，能不能一块儿吃板蓝根冲剂", None, None, ["hypertension"],
 "No relevant interaction; minor cold = self-care advice"),
("S", SC, "早上吃氨氯地平5毫克的，忘了吃没吃，又吃了一片，现在也不晕，量了血压122/76", None, None, None,
 "Total 10 mg = usual maximum daily dose, normotensive and well = not an overdose; self-care"),
("S", SC, "昨天吃了好几个红心火龙果，今天尿有点红，吓我一跳，不疼，也没发烧", None, None, None,
 "Red urine explained by red dragon fruit pigment, no urinary symptoms = self-care"),
("S", SC, "医生让吃的补铁药，吃了以后大便黑黑的，成形的，肚子不疼，也不头晕，正常吗", None, None, None,
 "Dark formed stool explained by oral iron, no bleeding features = reassurance"),
("R", SC, "我爸前年脑梗过，现在恢复得挺好，能自己遛弯，想问问他平时能不能吃核桃芝麻", None, "M", None,
 "Stroke is in the past and recovered; diet question = self-care advice"),
("S", SC, "隔壁王大爷昨天心梗送县医院了，吓得我一宿没睡，我自己啥感觉也没有，血压也正常，用不用去查查", None, None, None,
 "Alarming event happened to a neighbour; writer asymptomatic, BP normal = reassurance"),
("R", SC, "我老伴上个月胸口疼，去县医院查过了，心电图、造影都做了，医生说血管没事，是肋软骨炎。现在按着那块还有一丢丢疼，人精神挺好，饭也吃得香，就是总担心，我们平时得注意点啥？", None, None, None,
 "Past chest pain fully investigated and explained (costochondritis), residual tenderness = self-care"),
("T", SC, "昨晚打麻将熬了个通宵今天头有点昏昏沉沉的嘴不歪手脚都有劲说话也利索就是困", None, None, None,
 "Sleep deprivation; BE-FAST signs explicitly absent = self-care"),
("R", SC, "宝宝八个月，昨天打完疫苗，今天有点低烧37.8，吃奶正常，不哭不闹，精神挺好", 0, None, None,
 "Post-vaccination low fever in a well 8-month-old = NICE NG143 green, self-care"),
("T", SC, "遭蚊子咬了一腿的包 痒惨了 嘴皮子没肿 喉咙也不紧 出气都正常", None, None, None,
 "Local insect-bite reaction, anaphylaxis features denied = self-care"),
("R", SC, "我老公昨晚喝多了吐了一地，吓死我了，今天早上醒了，自己喝了碗粥，就说头疼，能吃点啥药", None, "M", None,
 "Intoxication episode is over; now alert and eating with hangover headache = self-care"),
("S", SC, "手环说我睡觉时心率五十二，我平时天天跑步，白天没头晕，没眼黑，也没晕倒过", None, None, None,
 "Asymptomatic sleeping bradycardia in a runner = normal; reassurance"),
("S", SC, "生完娃四个月了，头发一把一把地掉，是不是缺啥", None, "F", None,
 "Postpartum telogen effluvium, self-limiting = self-care"),
("S", SC, "被纸划了个小口子", None, None, None,
 "Minor paper cut = self-care"),
]

TARGET = {E: 25, U: 22, RT: 23, SC: 20}


def main():
    assert len(CASES) == 90, len(CASES)
    texts = [c[2] for c in CASES]
    assert len(set(texts)) == len(texts), "duplicate text"
    cnt = collections.Counter(c[1] for c in CASES)
    assert dict(cnt) == TARGET, cnt
    allowed = {"hypertension", "diabetes", "pregnancy", "atrial fibrillation", "copd", "asthma",
               "anticoagulant", "heart disease"}
    cases = list(CASES)
    random.Random(SEED).shuffle(cases)
    rows = []
    for i, (voice, level, text, age, sex, cond, why) in enumerate(cases, 1):
        assert level in TARGET
        assert sex in (None, "M", "F")
        row = {"id": "h9-%03d" % i, "set": SET, "text": text, "level": level}
        if age is not None:
            row["age"] = age
        if sex is not None:
            row["sex"] = sex
        if cond:
            assert set(cond) <= allowed, cond
            row["conditions"] = cond
        row["why"] = why
        rows.append(row)
    with open(OUT, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    # report
    print("wrote", OUT, len(rows), "rows")
    print("levels:", dict(collections.Counter(r["level"] for r in rows)))
    print("voices:", dict(collections.Counter(c[0] for c in CASES)))
    lens = [len(t) for t in texts]
    print("length min/median/max:", min(lens), sorted(lens)[len(lens) // 2], max(lens),
          "| <=10:", sum(l <= 10 for l in lens), "| 10-80:", sum(10 < l <= 80 for l in lens),
          "| >80:", sum(l > 80 for l in lens))


if __name__ == "__main__":
    main()
