#!/usr/bin/env python3
"""Held-out set v12 part A: 90 colloquial WeChat triage messages, written by hand.
Tuple: (level, voice, text, age, sex, conditions, why). `voice` is for the composition
check only (self = resident about themselves, rel = relative writing, typed = badly typed /
voice-to-text / dialect / homophone slips) and is not written to the JSONL."""
import json, random, collections, os

E, U, R, S = "emergency", "urgent", "routine", "self_care"
N = None

CASES = [
# ---------------- EMERGENCY (25) ----------------
(E, "rel", "俺爹七十三了，身子骨一直硬朗，昨儿还下地掰棒子。今儿早上吃饭，右手拿筷子老往下掉，说话也有点大舌头，俺娘说他就是没睡醒，昨晚喝了二两酒。都俩钟头了还这样，用不用等明儿带他去镇上看看？",
 73, "M", N, "Sudden hand weakness and slurred speech = stroke (中风120/BE-FAST); acute stroke consensus Ⅱ, call 120."),
(E, "typed", "孙子两岁多趁我不注意把我床头的将压药吃了 硝苯地平缓释片 少了四五粒 现在还在地上玩好好的 要不要抠喉咙",
 2, "M", N, "Toddler ingestion of several sustained-release CCB tablets = poisoning/overdose (consensus Ⅱ; 急性中毒诊治专家共识), delayed toxicity despite looking well."),
(E, "rel", "我妈糖尿病好多年了，今天下午一直说心口窝那块堵得慌，刚才出了一身冷汗，脸白得吓人。她非说是老胃病犯了，让我给她找胃药，吃点奥美拉唑行不行？",
 N, "F", ["diabetes"], "Diabetic woman with epigastric pressure, sweating and pallor = atypical ACS; cardiac-type chest pain consensus Ⅱ, 120."),
(E, "rel", "医生您好，我在深圳上班，我爸一个人在老家，六十八岁，有高血压。刚才视频他说下午帮邻居扛了几袋玉米，回来就觉得胸口像压了块大石头，还往左胳膊和下巴那窜，到现在一个多小时了，躺着歇也不见好。他说喝点热水就好了，不让我叫人。我该怎么办",
 68, "M", ["hypertension"], "Pressure chest pain >1 h radiating to arm and jaw, not relieved by rest = suspected ACS (急性胸痛共识), consensus Ⅱ, 120."),
(E, "rel", "婆婆慢阻肺 这两天喘得越来越凶 现在一句话要分三口气说 嘴唇发紫 得靠着床头坐着才能喘 指夹子测的氧八十五",
 N, "F", ["copd"], "SpO2 85% with severe dyspnoea and cyanosis = consensus Ⅱ (SpO2 80–90% with tachypnoea), 120."),
(E, "self", "刚在卫生室输完头孢往家走，走到半路觉得嗓子眼发紧，说话声音也有点哑了，头晕，身上开始痒。应该就是有点过敏吧？回去找大夫还是先回家吃个氯雷他定？",
 N, N, N, "Throat tightness, voice change and dizziness minutes after IV cephalosporin = anaphylaxis (WAO); consensus Ⅰ/Ⅱ, 120 and adrenaline."),
(E, "typed", "在坡上遭马蜂叮了两口 现在眼睛发黑站不稳 浑身痒得很 起了好多坨坨 我老汉扶到起的 要不要紧嘛",
 N, N, N, "Generalised hives with near-syncope after wasp stings = anaphylaxis (WAO criteria), 120."),
(E, "rel", "女儿十六，跟我吵完架说把我的安眠药吃了大半瓶，艾司唑仑。现在人挺清醒的，坐沙发上玩手机，说没事让我别管。需要去医院吗",
 16, "F", N, "Intentional benzodiazepine overdose = acute drug overdose with self-harm (consensus Ⅰ/Ⅱ), ED now even though alert."),
(E, "typed", "俺叔下午去地里打药 回来就说头云 口水直往下淌 一身汗 眼睛看东西模模糊糊 衣裳上一股子敌敌畏味儿 恁说这咋弄",
 N, "M", N, "Organophosphate (敌敌畏) exposure with cholinergic signs = poisoning/toxic exposure consensus Ⅱ (急性有机磷农药中毒共识), 120."),
(E, "typed", "昨天晚上屋里生了煤炉子门窗都关着今天早上起来我和娃都头疼想吐娃叫了好几声才醒迷迷糊糊的",
 N, N, N, "Coal stove in closed room, household headache/vomiting, child hard to rouse = CO poisoning with impaired consciousness, consensus Ⅰ/Ⅱ."),
(E, "rel", "俺娘这两天拉的屎跟柏油一样，黑亮黑亮黏糊糊的，今儿拉了三回，一站起来就说晕，她一直吃着阿司匹林",
 N, "F", N, "Tarry stools with postural dizziness on aspirin = active upper GI bleeding (consensus Ⅱ active bleeding), 120."),
(E, "rel", "我爸打胰岛素的，中午就喝了半碗粥，现在满头大汗，说话颠三倒四，连我是谁都认不出来了，刚测血糖2.6",
 N, "M", ["diabetes"], "BG 2.6 with confusion on insulin = level 3 hypoglycaemia (G-E1), POCT <3.33 consensus Ⅰ, 120."),
(E, "typed", "雪压一百九十八一百二 头疼得要炸开 吐了两回了 看东西发花 高血压十年了",
 N, N, ["hypertension"], "BP ≥180/110 with severe headache, vomiting and visual disturbance = BP-E1 hypertensive emergency, 120."),
(E, "rel", "宝宝出生四十天，今天摸着烫，量了腋下三十八度三，吃奶还行，也不怎么哭，是不是穿多了？",
 0, N, N, "Infant <3 months with temperature ≥38 °C = NICE NG143 red feature, emergency assessment now."),
(E, "self", "怀孕七个多月 下午开始肚子一阵阵发紧发硬 刚才上厕所发现内裤上好多鲜红的血",
 N, "F", ["pregnancy"], "Antepartum haemorrhage with contractions in third trimester = obstetric emergency (RCOG GTG 63), consensus Ⅱ active bleeding."),
(E, "rel", "我老婆怀孕三十五周了，她说今天一整天都没怎么感觉到娃动，平时挺闹腾的。她觉得可能娃在睡觉，让我问问等明天产检再说行不行。",
 N, "F", ["pregnancy"], "Reduced fetal movements at 35 weeks = immediate maternity-unit assessment, not next day (RCOG GTG 57)."),
(E, "typed", "两岁娃玩遥控器后盖掉了里面纽扣电池少了一颗到处找不到 他现在好好的还在吃饼干不哭不闹",
 2, N, N, "Possible button-battery ingestion = ED now for X-ray/removal, oesophageal burns within 2 h (ESPGHAN/NASPGHAN)."),
(E, "typed", "我家小子五岁 说把那种小磁力珠子吞了好几个 现在也不喊肚子疼 能吃能喝 这玩意儿能拉出来不？咋整",
 5, "M", N, "Multiple magnet ingestion = risk of bowel perforation/fistula, ED now (ESPGHAN/NASPGHAN) even if asymptomatic."),
(E, "rel", "跟您说个事，我奶奶八十四了，平时一个人住，我今天回去看她。她早上起来就不对劲，一会儿明白一会儿糊涂，把我喊成我爸的名字，问她吃没吃药也说不清。下午一直睡，喊她才睁眼，说两句又睡过去了。昨天还好好的在院子里择菜。是不是年纪大了老糊涂了？",
 84, "F", N, "Sudden delirium with falling consciousness in an elderly woman (new since yesterday) = acute impaired consciousness, consensus Ⅱ, ED now."),
(E, "self", "房颤吃华法林好几年了。今天鼻子流血，捏着按了快四十分钟还在滴，刷牙牙龈也出血，尿也有点红。",
 N, N, ["atrial fibrillation", "anticoagulant"], "Uncontrolled epistaxis plus haematuria on warfarin = active bleeding on anticoagulant (consensus Ⅱ), ED now."),
(E, "typed", "不想活了 药攒够了 今晚吃",
 N, N, N, "Suicidal intent with plan and means = active self-harm risk, consensus Ⅰ; 120/crisis line now (NICE NG225)."),
(E, "rel", "我哥从二楼房顶上摔下来了 左腿弯得不对劲 小腿那有骨头戳出来 流了好多血 人还清醒 一直喊疼",
 N, "M", N, "Fall from height with open fracture and bleeding = major fracture/trauma, consensus Ⅰ/Ⅱ, 120."),
(E, "self", "我三十二，剖腹产第十天。今天上午突然喘不上气，吸气的时候右边胸口刺着疼，心跳得好快，左边小腿这几天也肿。是不是月子里太累了？",
 32, "F", N, "Postpartum sudden dyspnoea, pleuritic pain, tachycardia and leg swelling = suspected PE (急性胸痛共识), consensus Ⅱ."),
(E, "rel", "我老公四十五 刚才上厕所一用劲突然头疼 说这辈子没这么疼过 像被人拿棍子敲了后脑勺 接着就吐了 现在躺着不想动",
 45, "M", N, "Thunderclap worst-ever headache with vomiting = suspected SAH (BE-FAST sudden severe headache), consensus Ⅱ, 120."),
(E, "typed", "儿子十四 半夜疼醒了说下面蛋蛋疼 左边肿起来了 还吐了一回 不好意思让我看 能等天亮再去吗",
 14, "M", N, "Sudden testicular pain, swelling and vomiting in a teenager = suspected torsion, consensus Ⅱ, surgery within 6 h."),

# ---------------- URGENT (22) ----------------
(U, "typed", "仔仔三岁 屙烂屎两日了 今日尿好少 嘴唇干干 仲肯饮水 精神都还可以 冇发烧",
 3, N, N, "Diarrhoea with reduced urine and dry lips but drinking and alert = some dehydration (WHO IMCI/NICE CG84), consensus Ⅲ, same day."),
(U, "self", "坐了三十多个钟头火车从新疆打工回来，右边小腿比左边粗了一圈，发红发热，一按就疼。不喘，胸口也不疼。",
 N, N, N, "Unilateral swollen tender calf after long travel = suspected DVT without PE signs, same-day assessment/ultrasound (NICE NG158)."),
(U, "self", "我有糖尿病，尿频尿痛三天了，以为上火喝了点菊花茶，今天开始发烧三十八度五，右边腰有点酸。还能吃饭。",
 N, N, ["diabetes"], "UTI with fever and loin pain in a diabetic = upper UTI, same-day assessment (NICE NG111), consensus Ⅲ."),
(U, "self", "降压药这几天断了没去买，刚量了三遍，185/116、183/114、188/115。头不疼也不晕，没恶心，手脚好好的。",
 N, N, ["hypertension"], "Confirmed ≥180/110 with no symptoms = BP-U1 (亚急症), same-day family-doctor contact."),
(U, "typed", "空腹雪糖十八点二 昨天晚上睡前也十七点几 不口渴不恶心 就是有点乏 二甲双胍一直吃着",
 N, N, ["diabetes"], "Two readings ≥16.7 within 24 h without DKA/HHS symptoms = G-U2, same-day contact and ketone check."),
(U, "self", "孕三十周，今天在家量血压146/95，过一会又量143/93。不头疼，眼睛也不花，就是脚有点肿。这个要紧不？",
 N, "F", ["pregnancy"], "Pregnant with BP ≥140/90 = BP-U1; same-day pre-eclampsia assessment (NICE NG133)."),
(U, "rel", "我爸吃利伐沙班，昨晚起夜摔了一跤，后脑勺磕了个包。没晕过去，今天早上吃饭说话都正常，就是包还有点疼。",
 N, "M", ["anticoagulant"], "Head injury on an anticoagulant = same-day CT (clinical_rules 5.6; NICE NG232), consensus Ⅲ head injury."),
(U, "rel", "奶奶八十一了 肚子疼了一上午 右下边那块 她说不是很疼能忍 没吐 早饭吃得少",
 81, "F", N, "Any abdominal pain at age >65 = at least consensus Ⅲ, same-day hospital."),
(U, "typed", "脚底被钉子扎了三天 现在脚背红肿 红的地方往上走到脚脖子了 摸着发烫 晚上有点发少",
 N, N, N, "Spreading cellulitis after puncture wound with fever = same-day assessment and antibiotics (NICE NG141), tetanus review."),
(U, "self", "糖尿病十几年了，前几天脚底板磨了个泡，自己挑破了，现在那块发黑，周围一圈红，还有股臭味。倒不怎么疼。",
 N, N, ["diabetes"], "Diabetic foot ulcer with necrosis and infection = urgent referral (基层糖尿病指南 diabetic-foot red flags; NICE NG19)."),
(U, "self", "笑喘又犯了，万托林喷了两回，能好个把钟头又紧起来。说话还行，走快了就喘。",
 N, N, ["asthma"], "Acute asthma needing reliever more than 4-hourly, speaking in sentences = consensus Ⅲ acute asthma, same-day review (BTS/SIGN)."),
(U, "typed", "从昨晚吐到现在喝口水都吐出来尿很少颜色深站起来头云肚子倒不怎么疼",
 N, N, N, "Persistent vomiting unable to keep fluids with dehydration = consensus Ⅲ, same day."),
(U, "rel", "我妈左边额头上起了一串水泡，说火辣辣地疼，今天左眼也红了，怕光，鼻尖上也冒了一个。",
 N, "F", N, "Herpes zoster ophthalmicus with eye involvement and Hutchinson sign = same-day ophthalmology (NICE CKS shingles)."),
(U, "rel", "孩子两岁半，发烧第五天了还是三十九度多，退烧药管一会儿。眼睛红红的，嘴唇干裂发红，手脚有点肿。",
 2, N, N, "Fever ≥5 days with conjunctival injection, cracked lips and swollen hands = possible Kawasaki disease (NICE NG143), same-day assessment."),
(U, "typed", "心荒一上午了 自己摸手腕跳得乱七八糟 血压计上显示心率一百二十几 不胸痛 不喘 人也不晕",
 N, N, N, "Persistent irregular HR 100–150 without instability = consensus Ⅲ, same-day ECG (possible new AF)."),
(U, "rel", "我老公右边腰一阵一阵绞着疼，往下边窜，尿有点发红，吃了布洛芬能压住，不发烧。",
 N, "M", N, "Suspected renal colic with moderate pain controlled by analgesia, afebrile = consensus Ⅲ (moderate pain), same-day review (NICE CKS)."),
(U, "self", "今天右眼前面突然冒出好多黑点点，跟下了一片黑雨似的，还一闪一闪有亮光，右上角像挡了块帘子。",
 N, N, N, "Sudden floaters, flashes and a field curtain = suspected retinal detachment, same-day ophthalmology (NICE CKS)."),
(U, "typed", "喉龙疼五天了 今天嘴都张不开 右边肿得老高 口水都咽不下去 说话跟含了个鸡蛋似的 发烧 喘气倒不费劲",
 N, N, N, "Trismus, muffled voice, unilateral swelling = suspected quinsy without airway compromise, same-day ENT (NICE CKS sore throat)."),
(U, "rel", "儿子十七，最近老说活着没意思，整天关屋里不出来，饭也不好好吃。今天无意看到他手腕上划了几道口子，不深，已经结痂了，问他也不吭声。我该怎么跟他说？",
 17, "M", N, "Self-harm with hopelessness, no stated plan = consensus Ⅲ self-harm risk, same-day mental-health assessment (NICE NG225)."),
(U, "rel", "老伴七十六 咳嗽发烧三天了 今天三十八度八 痰是黄的 有点喘但能说话 饭吃得少 人还清楚",
 76, N, N, "Suspected pneumonia at age >65 (CRB-65 = 1), no confusion = same-day assessment (NICE NG138)."),
(U, "self", "这两天一站起来就眼前发黑头晕，得扶着墙。量血压八十五、五十。吃着三种降压药，天热出汗又多。",
 N, N, ["hypertension"], "SBP <90 with symptoms on three antihypertensives = BP-L1 / consensus Ⅲ (SBP 80–90), same-day contact."),
(U, "typed", "狗咬破手了 狗没打疫苗",
 N, N, N, "Category III dog bite, dog unvaccinated = rabies PEP and immunoglobulin without delay (WHO; 狂犬病暴露预防处置工作规范)."),

# ---------------- ROUTINE (23) ----------------
(R, "self", "这一个礼拜早晚量的血压都在一百四十五、九十上下，降压药天天按时吃着，人没啥不舒服。要不要加药？",
 N, N, ["hypertension"], "Home mean above 135/85 without symptoms = BP-T1, family-doctor review within 2 weeks."),
(R, "typed", "最近空腹雪糖老是七点五八点左右 测了一周了 没有不舒服 饭量也没多 糖尿病药没断",
 N, N, ["diabetes"], "7-day fasting SMBG ≥7.0 = G-T1, adjustment and review within 2 weeks."),
(R, "self", "吃氨氯地平两个多月了，两个脚脖子有点肿，下午明显，早上起来就消了。不喘，晚上能平躺。",
 N, N, N, "Amlodipine ankle oedema without heart-failure features = non-dangerous adverse reaction, 规范 review within 2 weeks."),
(R, "rel", "我妈换了那个培哚普利以后老是干咳，嗓子痒，晚上能咳醒，没发烧也没痰。是不是药的问题？",
 N, "F", N, "ACE-inhibitor cough = adverse drug reaction, switch at routine review (规范, consensus Ⅳ)."),
(R, "typed", "二甲双胍吃起屙肚子 一天两三回 搞了个把礼拜了 冇得血 肚子也不痛 人还好",
 N, N, N, "Metformin GI side effect without blood or dehydration = routine dose adjustment (规范 adverse reaction)."),
(R, "typed", "一声 将压药快没了 还能吃三天 厄贝沙坦 能开一个月的不",
 N, N, ["hypertension"], "Prescription refill only = consensus Ⅳ 非急症."),
(R, "self", "脖子右边摸到一个疙瘩，黄豆那么大，不疼，推着能动，一个多月了没啥变化。",
 N, N, N, "Persistent painless neck lump without acute features = routine review (NICE CKS lymphadenopathy)."),
(R, "self", "洗澡的时候摸到左边乳房外上边有个硬疙瘩，不疼，花生米大，月经刚走。",
 N, "F", N, "New breast lump = see within days on the 2-week suspected-cancer pathway (NICE NG12)."),
(R, "self", "咳嗽一个多月了 没发烧 没咳血 痰不多 抽了三十年烟 最近总觉得咳不干净",
 N, N, N, "Cough >3 weeks in a long-term smoker, no haemoptysis = chest X-ray within 2 weeks (NICE NG12; TB screening)."),
(R, "rel", "我爸最近老是口渴，一晚上起来尿三四回，三个月瘦了七八斤。没吐也没肚子疼，精神还行。",
 N, "M", N, "Polydipsia, polyuria and weight loss without acute features = glucose test within days (基层糖尿病指南), consensus Ⅳ."),
(R, "rel", "老伴打呼噜震天响，睡着睡着就憋住不喘气了，过一会儿又猛地吸一大口，白天开会都打瞌睡。",
 N, N, N, "Witnessed apnoeas with daytime sleepiness = suspected OSA, routine referral (NICE CKS)."),
(R, "typed", "返酸烧心好几个月了 一吃完饭就往上反 躺下更厉害 吃东西不噎 人也没瘦",
 N, N, N, "Chronic reflux without alarm features (no dysphagia, no weight loss) = routine review (NICE CG184)."),
(R, "typed", "俺这膝盖疼了好几年了 上下楼更疼 天阴更厉害 想开点膏药 再问问玻璃酸钠针俺能打不",
 N, N, N, "Known chronic knee pain = consensus Ⅳ 非急症, routine visit."),
(R, "self", "绝经五六年了，这个月内裤上又见红了，量不多，就两天，不疼。",
 N, "F", N, "Postmenopausal bleeding = suspected-cancer pathway within 2 weeks (NICE NG12)."),
(R, "rel", "我爸吃阿托伐他汀两个月，说两条腿有点酸，不算厉害，走路没问题，尿颜色正常，不是酱油色。",
 N, "M", N, "Mild statin myalgia without rhabdomyolysis signs = routine CK and review (NICE CKS)."),
(R, "self", "上礼拜三下午有一回心慌手抖，测了血糖三点六，吃了两块糖就好了，这几天没再发。我吃的格列美脲。",
 N, N, N, "Single daytime level-1 hypo on a sulfonylurea, resolved = drug review within days (below G-U1 threshold)."),
(R, "self", "体检B超说甲状腺右边有个结节，一点二厘米，TI-RADS 3类，要不要手术？",
 N, N, N, "Incidental thyroid nodule = routine review and follow-up ultrasound, consensus Ⅳ."),
(R, "rel", "我爸六十二，前天尿了一次红的，像洗肉水，不疼，后来就正常了，也没发烧。",
 62, "M", N, "Painless visible haematuria at ≥45 = urological suspected-cancer pathway within 2 weeks (NICE NG12)."),
(R, "typed", "右边耳朵这一两年慢慢听不太清了 还老嗡嗡响 不头晕 不是突然的",
 N, N, N, "Gradual unilateral hearing loss with tinnitus = routine referral (NICE NG98); not sudden."),
(R, "self", "背上那颗痣最近好像大了，边上不太齐，颜色也深了点，不痒不出血。",
 N, N, N, "Changing mole with irregular border = suspected melanoma 2-week pathway (NICE NG12)."),
(R, "rel", "孙女两岁半了 只会叫爸爸妈妈 别的话都不说 叫她名字也不太理人 老喜欢一个人转圈圈 我们那时候娃娃说话晚的也有 你说要紧不",
 2, "F", N, "Speech delay with social-communication concerns = routine developmental/ASD referral (NICE CG128)."),
(R, "self", "我七十八了，高血压吃着三种药，氨氯地平、缬沙坦、吲达帕胺，一样不落，盐也少吃了，可在家量还是一百五十几、九十多，上个月村医来随访量的也是这样。人倒没觉得哪不舒服，就是心里不踏实，要不要换个药或者去县里看看？",
 78, N, ["hypertension"], "Not at target on 3 drugs incl. diuretic on two consecutive visits = BP-T2, upward referral within 2 weeks."),
(R, "self", "六十五了，这两三个月大便老是不成形，一天好几回，跟以前不一样。没见血，肚子不疼。",
 65, N, N, "Change in bowel habit at ≥60 = FIT / colorectal suspected-cancer pathway (NICE NG12), routine."),

# ---------------- SELF_CARE (20) ----------------
(S, "typed", "流鼻涕打喷嚏两天了 嗓子有点干疼 不发烧 不胸闷也不喘 能吃能睡 要吃消炎药不",
 N, N, N, "Common cold, fever and breathlessness denied = self-care, no antibiotics (NICE CKS common cold)."),
(S, "rel", "孙子左眼皮上长了个小红疙瘩，眨眼说有点疼，看东西清楚，眼睛不红，照样上学去了。",
 N, "M", N, "Hordeolum with normal vision = warm compresses at home (NICE CKS stye)."),
(S, "typed", "口腔溃疡疼死了😭",
 N, N, N, "Mouth ulcer, no other features = self-care; review if >3 weeks (NICE CKS aphthous ulcer)."),
(S, "self", "昨天吃了剩菜拉了五六次，今天上午就拉了一次。没发烧，大便里没血，水喝得下去，尿也正常。",
 N, N, N, "Settling diarrhoea, no fever, no blood, no dehydration = home fluids (consensus Ⅳ no dehydration; NICE CKS)."),
(S, "self", "小腿磕在床角上青了一大块，按着有点疼，走路不影响。我没吃什么抗凝的药。",
 N, N, N, "Simple bruise, walking normally, not anticoagulated = home care (minor limb trauma)."),
(S, "self", "今天量血压一百二十八，八十二，这算高血压吗？我爸妈都有高血压，我有点怕。",
 N, N, N, "128/82 is below the home threshold 135/85 = normal reading, lifestyle advice (中国家庭血压监测指南)."),
(S, "typed", "空腹雪糖5.6正常不",
 N, N, N, "Fasting glucose 5.6 mmol/L is normal (<6.1) = reassurance, no drug."),
(S, "self", "降压药早上忘吃了，中午才想起来，现在补吃一片行不行？会不会跟明早的撞上？",
 N, N, ["hypertension"], "Once-daily antihypertensive missed and taken same day = safe; reassuring medicine answer."),
(S, "typed", "吃了一大盘红心火龙果 今天早上尿是红的 吓死我了 不疼不痒 尿也不频",
 N, N, N, "Red urine explained by red dragon-fruit pigment (pseudohaematuria), no urinary symptoms = reassure, recheck."),
(S, "typed", "昨天晚上吃了一大碗毛血旺 鸭血放得多 今天拉的是黑的 成形的 不头晕不心慌 人好好的",
 N, N, N, "Dark formed stool after eating duck blood, no dizziness = dietary, not melaena; watch for tarry stool."),
(S, "self", "上个月因为胸口疼住了几天院，冠脉CTA都查了没事，说是肋软骨炎，现在早就不疼了。想问问能去游泳不？",
 N, N, N, "Past chest pain fully investigated and resolved = advice question only."),
(S, "typed", "隔壁老王昨天中风拉医院去了 把我吓得 赶紧量了个雪压 一百二十六七十八 我啥不舒服也没有",
 N, N, N, "Stroke was the neighbour's; own BP normal and no symptoms = reassurance."),
(S, "self", "我朋友吃头孢喝酒进了ICU，我前天吃的阿莫西林，今晚同学聚会能喝两杯啤酒不？",
 N, N, N, "Disulfiram-like reaction was a friend's with cephalosporin; amoxicillin does not cause it = reassuring answer."),
(S, "rel", "医生打扰了，我妈前年脑梗过，在县医院住了半个月，现在恢复得跟好人一样，天天跳广场舞，降压药和阿司匹林一直吃着，血压都在一百三上下。我姐从大连寄了一箱海参来，说补身子。想问问她能不能吃？一天吃几个合适？",
 N, "F", ["hypertension"], "Stroke is past history, now stable and BP controlled; diet question = reassuring answer."),
(S, "self", "今天早上起来有点头昏，量了血压一百三十二、八十，说话利索，手脚都能动，走路也稳，不恶心，就是昨晚打麻将熬到两点。",
 N, N, N, "Mild light-headedness after sleep loss, normal BP, stroke signs (speech, limbs, balance) denied = rest at home."),
(S, "rel", "娃一岁半 咳嗽三天了 不发烧 不喘 晚上睡得香 吃饭玩耍都跟平时一样",
 1, N, N, "Cough without fever, wheeze or danger signs, normal activity = home care (WHO IMCI no danger sign)."),
(S, "rel", "俺儿搬化肥把腰闪了，弯腰疼，能走路，腿不麻不疼，大小便都正常，给他贴个膏药行吗？",
 N, "M", N, "Simple mechanical back strain, cauda-equina signs denied = self-care (NICE NG59)."),
(S, "typed", "阿拉囡囡八个月 头颈里向出了一片小红点点 天热捂牢了 精神老好额 吃奶也好 勿发烧",
 0, N, N, "Heat rash in a well, afebrile 8-month-old = cool loose clothing at home."),
(S, "self", "这两天暖气太干，早上擤鼻涕带点血丝，一会儿就没了。我不吃阿司匹林那些药。",
 N, N, N, "Trivial epistaxis from dry air, stopped, not on antithrombotics = humidify, self-care."),
(S, "typed", "下午喝了两杯美式 心跳的有点快 刚测了八十六 不胸痛不晕 以前喝多了也这样",
 N, N, N, "Caffeine palpitations with HR 86, chest pain and syncope denied = self-care."),
]

EXPECT = {E: 25, U: 22, R: 23, S: 20}
ALLOWED = {"hypertension", "diabetes", "pregnancy", "atrial fibrillation", "copd", "asthma",
           "anticoagulant", "heart disease"}

def main():
    cnt = collections.Counter(c[0] for c in CASES)
    assert dict(cnt) == EXPECT, cnt
    assert len(CASES) == 90
    texts = [c[2] for c in CASES]
    assert len(set(texts)) == len(texts), "duplicate text"
    for c in CASES:
        assert c[5] is None or set(c[5]) <= ALLOWED, c
        assert c[4] in (None, "M", "F")
    rows = list(CASES)
    random.Random(1212).shuffle(rows)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "triage_heldout_v12_a.jsonl")
    with open(out, "w", encoding="utf-8") as f:
        for i, (lvl, voice, text, age, sex, conds, why) in enumerate(rows, 1):
            d = {"id": f"h12-{i:03d}", "set": "colloquial", "text": text, "level": lvl}
            if age is not None: d["age"] = age
            if sex is not None: d["sex"] = sex
            if conds: d["conditions"] = conds
            d["why"] = why
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    # verify written file
    back = [json.loads(l) for l in open(out, encoding="utf-8")]
    assert [b["id"] for b in back] == [f"h12-{i:03d}" for i in range(1, 91)]
    assert collections.Counter(b["level"] for b in back) == collections.Counter(EXPECT)
    print("wrote", out, len(back))
    print("levels:", dict(collections.Counter(b["level"] for b in back)))
    print("voices:", dict(collections.Counter(c[1] for c in CASES)))
    L = [len(t) for t in texts]
    print("length min/max/median:", min(L), max(L), sorted(L)[45],
          "short<=10:", sum(l <= 10 for l in L), "long>=100:", sum(l >= 100 for l in L))

if __name__ == "__main__":
    main()
