#!/usr/bin/env python3
"""Held-out set v6, part A1: 70 colloquial WeChat messages, written by hand.
Tuple: (text, level, age, sex, conditions, why). age/sex/conditions only when the text states them."""
import json, random, collections, os

SET = "colloquial"
SEED = 6606
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "triage_heldout_v6_a1.jsonl")

E, U, R, S = "emergency", "urgent", "routine", "self_care"

CASES = [
# ---------------- emergency (20) ----------------
("大夫 俺家老爷们儿刚才吃饭筷子老往下掉 左边嘴角有点耷拉 说话也大舌头了 他说没事儿歇会就好 就半拉钟头前开始的 用不用整点啥药给他吃",
 E, None, "M", None, "Sudden facial droop + arm weakness + slurred speech = 中风120/BE-FAST; acute stroke Ⅱ级, call 120, give nothing by mouth"),
("额爸六十八咧，晌午在地里突然天旋地转，站不稳老往一边倒，说看东西是两个，吐了两回。嘴不歪胳膊也能动，是不是颈椎病又犯咧",
 E, 68, "M", None, "Sudden vertigo, ataxia and diplopia = BE-FAST Balance/Eyes (posterior circulation stroke) despite normal face/arm; acute stroke Ⅱ级"),
("我妈72岁有糖尿病十几年了，今天下午说胃里难受，心口窝那发闷，出了一身冷汗，还有点恶心，已经快一个小时了，吃了两片胃药也不管用。她说是吃凉的了，让我别大惊小怪。",
 E, 72, "F", ["diabetes"], "Elderly diabetic with epigastric/chest pressure, sweating, nausea >15 min unrelieved = atypical ACS; cardiac-type chest pain Ⅱ级, 120"),
("介会儿我们家老爷子后背突然疼得跟撕开似的 一下子就疼到顶了 量血压二百一 一百一十几 他有高血压好些年了 疼得直冒汗 您说先吃片硝苯地平成不",
 E, None, "M", ["hypertension"], "Sudden tearing back pain peaking instantly with BP >200 = suspected aortic dissection; 急诊转诊 (marked BP rise + severe back pain), Ⅱ级"),
("俺闺女上礼拜做的膝盖手术，出院回家一直躺着，今儿个下午突然喘不上气，吸气的时候胸口刺着疼，那条腿肿得比另一条粗一圈，心跳得快。她说可能是躺久了，中不中先观察观察",
 E, None, "F", None, "Post-op immobility + unilateral leg swelling + sudden dyspnoea and pleuritic pain = suspected PE; Ⅱ级, 120"),
("苹果园里叫马蜂蛰了脖子 才十来分钟 浑身起的红疙瘩一片一片的 嗓子眼发紧 说话声音都变了 头晕得坐不住 这要抹撒药",
 E, None, None, None, "Sting with generalised urticaria + throat tightness/voice change + presyncope = anaphylaxis (WAO); needs adrenaline, 120"),
("大夫您好 我家姑娘16了 跟我吵完架把自己关屋里 刚才我进去收拾发现垃圾桶里两板泰诺林都空了 她说吃了二十来片 现在啥事没有 还跟我嬉皮笑脸的 说就是想睡一觉 也不吐不难受 我寻思多喝点水是不是就排出去了？",
 E, 16, "F", None, "Deliberate paracetamol overdose (~20 tablets) is silent early but hepatotoxic; acute drug overdose + self-harm = Ⅰ/Ⅱ级, ED now"),
("俺爷爷下午去棉花地里打药没戴口罩，回来就说头晕，一个劲出汗，口水哗哗地流，还拉了两回稀，眼珠子看着小小的。喝了碗绿豆汤能不能解",
 E, None, "M", None, "Sweating, salivation, diarrhoea, miosis after spraying = organophosphate poisoning (急性中毒诊治共识); toxic exposure Ⅱ级, 120"),
("前天上山采的榛蘑 还有些不认识的小白蘑菇 昨晚小鸡炖蘑菇全家吃了 后半夜我和我对象上吐下泻 折腾到今早 现在倒是不怎么拉了 感觉缓过来了 就是没劲 还用去医院不",
 E, None, None, None, "Unknown wild mushrooms with GI onset ≥6 h after the meal then apparent improvement = possible amatoxin latent phase; poisoning Ⅱ级, whole family to ED"),
("早上起来俺俩都脑瓜子疼 恶心 老伴儿迷迷瞪瞪的 叫他半天才哼一声 昨晚屋里烧的煤炉子 窗户关得死死的 这是咋了",
 E, None, None, None, "Coal stove in closed room, shared headache/nausea and one person barely rousable = CO poisoning with impaired consciousness; Ⅰ/Ⅱ级, ventilate, 120"),
("大夫您好，我今年七十五，心脏放过支架，一直吃着阿司匹林和氯吡格雷。这两天解的大便黑乎乎的跟柏油似的，亮亮的，今儿早上一站起来眼前发黑差点栽了，现在躺着还行，要不要紧",
 E, 75, None, ["heart disease"], "Melena on dual antiplatelets with postural presyncope = active upper GI bleed; active bleeding Ⅱ级, 120"),
("他爹打一岛素的，下午睡醒起来就不对劲，说胡话，一身虚汗，叫他也不大应声，测了个血糖2.6，俺给他嘴里塞了块糖他也不会嚼",
 E, None, "M", ["diabetes"], "BG 2.6 on insulin with confusion and unable to swallow = level 3 hypoglycaemia; G-E1 level 3 → 120, POCT <3.33 Ⅰ级"),
("孙子才七个礼拜大，今晚摸着有点热，腋下量了38.2，吃奶还行，也不怎么哭，他妈说捂捂出点汗就好了，用不用给他喂点退烧药？",
 E, 0, "M", None, "Infant <3 months with temperature ≥38 ℃ = NICE NG143 red feature; needs same-hour hospital assessment regardless of how well"),
("我怀孕三十三周了，这两天脚脖子肿得按一个坑，今天头疼得厉害，看东西眼前一闪一闪的，刚在家量血压162/112，产检的时候都是正常的，要等到下周产检再说吗",
 E, None, "F", ["pregnancy"], "33 weeks, BP 162/112 with severe headache and visual disturbance = severe pre-eclampsia (RCOG/NICE NG133); hypertensive emergency, 120"),
("俩岁半的小子把遥控器里那个纽扣电池整嘴里咽了 现在搁那玩呢 不哭不闹 是不是能拉出来",
 E, 2, "M", None, "Ingested button battery in a toddler can burn through the oesophagus within 2 h even if asymptomatic; ED/X-ray now (toxic/foreign-body emergency)"),
("医生问一下 安眠药一次吃多少片能睡过去不醒 我攒了三瓶了 厂子黄了钱也要不回来 也没脸回去见俺娘 就今晚吧 不用回我",
 E, None, None, None, "Suicidal intent with plan, means (stockpiled hypnotics) and timing tonight = active self-harm risk Ⅰ级; 120/police, do not leave alone"),
("我在外地上班，我妈刚打电话说我爸下午在院里滑了一跤，后脑勺磕台阶上了，当时没事，可现在吐了一次，人老想睡觉，说话也有点慢。他房颤，一直吃华法林。我妈问要不要明天去医院拍个CT。",
 E, None, "M", ["atrial fibrillation", "anticoagulant"], "Head injury on warfarin now with vomiting, drowsiness and slowed speech = suspected intracranial bleed; 120 now, not tomorrow"),
("俺娘八十三了 这两天有点咳嗽 今儿发烧三十九度多 下午开始迷迷糊糊的 问她话答不上来 喘气呼哧呼哧的挺快 手脚冰凉 腿上皮肤花花搭搭的 是不是感冒重了 给她吃点退烧药睡一觉行吗",
 E, 83, "F", None, "Fever with new confusion, tachypnoea and mottled cold limbs in an 83-year-old = suspected sepsis/poor perfusion Ⅱ级, 120"),
("娃十二岁，一型糖尿病打针的，这两天拉肚子不想吃饭，家里人就没给打胰岛素，今天一直吐，肚子疼，出气又深又快，嘴里有股烂苹果味，血糖仪测出来就显示HI",
 E, 12, None, ["diabetes"], "T1D with omitted insulin, vomiting, abdominal pain, Kussmaul breathing, ketotic breath, BG 'HI' = DKA; G-E2, 120"),
("大夫您好 想咨询个事儿 我平时月经就不太准 这次晚了快两个礼拜 没当回事 前天开始有点咖啡色的分泌物 以为是来了 今天中午突然右边小肚子特别疼 一阵一阵的 现在有点往肛门那坠着想拉屎的感觉 刚才上厕所站起来眼前一黑 出了一身汗 我们家附近只有个诊所 我想问问是不是就是痛经 吃布洛芬管用吗",
 E, None, "F", None, "Late period + spotting + sudden unilateral pelvic pain, rectal pressure and near-syncope = suspected ruptured ectopic pregnancy Ⅱ级, 120"),

# ---------------- urgent (18) ----------------
("俺今年六十六 高血压 清早量了三回 都在一百八十五上下 低压一百一十二 头不疼也不晕 啥不得劲都没有 药一直吃着哩",
 U, 66, None, ["hypertension"], "Confirmed ≥180/110 without symptoms = BP-U1 (规范 紧急转诊 without target-organ signs): same-day family doctor contact"),
("怀孕28周 今天社区量血压145/95 没头疼 没眼花 脚也不肿 需要咋办",
 U, None, "F", ["pregnancy"], "Pregnant with BP ≥140/90 without severe features = BP-U1; same-day assessment for pre-eclampsia (NICE NG133)"),
("俺这糖尿病五六年了，今早空腹18.5，晚饭后又测了19.2，二甲双胍一天没落，人倒挺精神，不渴不吐肚子也不疼，这咋整",
 U, None, None, ["diabetes"], "Two readings ≥16.7 in 24 h without DKA/HHS symptoms = G-U2: same-day family doctor contact, ketone check"),
("孩子3岁 从早上到现在吐了七八回 喝口水就吐 上午到现在就尿了一次 嘴唇干干的 精神头还行 能玩会儿",
 U, 3, None, None, "Persistent vomiting unable to keep fluids, reduced urine, dry lips = dehydration; consensus Ⅲ (persistent vomiting/dehydration), same day"),
("我七十了，从中午开始肚脐眼周围隐隐作痛，不算太厉害，能忍，没发烧，没吐，大便早上解过一次正常。是不是吃坏了？",
 U, 70, None, None, "Any abdominal pain at age >65 without high-risk features = consensus Ⅲ; same-day assessment"),
("我有哮喘，今天风大出去一趟回来就喘，喷了两回万托林，好点了但过一会儿又憋，说话还能说整句，嗓子里一直呼呼的",
 U, None, None, ["asthma"], "Acute asthma needing repeated reliever, speaking in sentences, not in distress = consensus Ⅲ; same-day review"),
("我妈吃利伐沙班的，刚才在浴室滑倒了，额头磕了个大包，没晕过去也没吐，说话走路都正常，就是有点疼，敷点冰就行吧？",
 U, None, "F", ["anticoagulant"], "Head injury on an anticoagulant without neuro signs → hospital CT the same day (criteria 5.6 anticoagulation rule)"),
("大夫 我替俺爸问问 他老慢支肺气肿十来年了 每年一到冬天就犯 今年俺给他买了个夹手指头的测氧仪 这三天他痰多了 黄稠黄稠的 比平常喘得厉害点 走到大门口就得歇一歇 不过还能躺平睡 说话也利索 刚才测的氧是95 心率88 不发烧 家里还有上回剩的那个喷的药 俺是想问问是今天带他去卫生院还是先在家喷喷药看看",
 U, None, "M", ["copd"], "COPD exacerbation (more purulent sputum, more breathless) with SpO2 ≥94% and no distress → family doctor within 24 h (criteria 5.6)"),
("俺爹糖尿病，大脚趾头前几天让鞋磨破了，现在红肿发热，破的地方有点流脓水，他脚麻感觉不到疼，就拿创可贴贴着",
 U, None, "M", ["diabetes"], "New infected ulcer on a neuropathic diabetic foot = diabetic foot red flag → urgent referral (基层糖尿病指南)"),
("尿频尿急尿疼好几天了没当回事 今儿个开始发烧38.9 冷得直哆嗦 右边后腰贼拉疼 嘎哈都不得劲",
 U, None, None, None, "Dysuria progressing to fever, rigors and flank pain = pyelonephritis, haemodynamics not reported unstable; consensus Ⅲ, same day"),
("邻居家的狗把额儿子小腿咬了，两个牙印破皮出了点血，血已经止住了，狗没打过疫苗，娃十岁，明天再去打狂犬疫苗迟不迟",
 U, 10, "M", None, "Bite breaking skin from an unvaccinated dog = WHO category Ⅲ exposure: wound washing + rabies vaccine and immunoglobulin today, not tomorrow"),
("房颤老毛病 今天一直心慌 电子血压计显示心率125上下 血压130/80 胸口不疼 不喘 头不晕",
 U, None, None, ["atrial fibrillation"], "AF with persistent HR 100–150, stable BP and no chest pain/dyspnoea = consensus Ⅲ; same-day review"),
("闺女八个月，发烧第二天了，最高39.3，吃了美林能退到37多，就是奶只吃平时一半，尿布也比平时轻，醒着的时候还会笑。",
 U, 0, "F", None, "Febrile infant with reduced feeding and reduced urine output = NICE NG143 amber; same-day face-to-face assessment"),
("老伴儿吃格列美脲降糖，早上没吃饭就下地了，九点多心慌手抖出汗，测了个2.8，喝了半瓶可乐十五分钟后测是5.9，现在好了。中午还照常吃药不",
 U, None, None, ["diabetes"], "Level 2 hypoglycaemia (<3.0) on a sulfonylurea, treated = G-E1: immediate family doctor call and drug review today"),
("孩子两岁 刚才碰翻了暖壶 开水烫着小手和胳膊 起了好几个大水泡 有巴掌那么大 一直哭 冲了十几分钟凉水了",
 U, 2, None, None, "Palm-sized blistering (partial-thickness) scald involving a toddler's hand = needs same-day burns assessment; moderate trauma/pain Ⅲ"),
("我78了，前列腺肥大多少年了，昨晚吃了感冒药后一宿就尿了几滴，现在小肚子胀得鼓鼓的，憋得慌，还是尿不出来。",
 U, 78, "M", None, "Acute urinary retention (BPH + decongestant) with painful distended bladder → same-day catheterisation; consensus Ⅲ"),
("这俩月天天睡不着 干啥都没意思 有时候想着要是出个车祸没了也挺好 但没想过自己咋弄 也没做过啥 就是心里堵得慌",
 U, None, None, None, "Depressive symptoms with passive death wish, no plan or intent = consensus Ⅲ (depression with self-harm risk): same-day mental-health contact"),
("额娘七十一 左边脑门子上起了一溜水泡 疼得跟针扎一样 两天了 今儿左眼也红了 怕光 流眼泪",
 U, 71, "F", None, "Forehead zoster with red, photophobic eye = herpes zoster ophthalmicus; same-day antivirals and eye assessment"),

# ---------------- routine (15) ----------------
("大夫，我这礼拜早晚都量了血压，平均下来一百四十八、九十二上下，吃着氨氯地平一片，没什么不舒服的，是不是药量得调调？",
 R, None, None, None, "Weekly home mean 148/92 above target, no symptoms = BP-T1: family doctor adjustment within 2 weeks"),
("俺这糖尿病这一礼拜空腹是7.6 8.1 7.9 7.5 二甲双胍一天两回吃着呢 过年期间吃得多了点 没别的不舒服",
 R, None, None, ["diabetes"], "Fasting SMBG ≥7.0 across the week, no acute symptoms = G-T1: adjust, revisit in 2 weeks"),
("自从换了那个陪哚普利 嗓子老痒痒 干咳 没痰 不发烧 咳了快一个月了 晚上咳得睡不好 是不是药的事",
 R, None, None, None, "Dry cough on an ACE inhibitor without fever or dyspnoea = adverse drug reaction → review/switch within 2 weeks (规范)"),
("洗澡的时候摸着左边乳房外上边有个花生米大的疙瘩，不疼不痒，摸着硬硬的推不大动，有半个多月了，俺今年五十二",
 R, 52, "F", None, "Hard fixed breast lump at 52 = suspected cancer pathway (NICE NG12 2-week referral); no acute danger"),
("我62，这俩月大便次数比以前多，有时候稀有时候干，纸上偶尔带点鲜红的血，人不晕，能吃能睡，体重好像掉了三四斤。",
 R, 62, None, None, "Change in bowel habit with rectal bleeding and weight loss at 62 = suspected colorectal cancer referral within 2 weeks; haemodynamically fine"),
("额绝经五六年咧，这两天内裤上又见红咧，量不多，肚子不疼，是不是又来月经咧",
 R, None, "F", None, "Postmenopausal bleeding = suspected endometrial cancer pathway (NICE NG12), referral within 2 weeks; no heavy bleeding"),
("俺爹这一个多月吃馍老觉得噎得慌 得喝口水顺下去 喝稀饭没事 人瘦了一圈 不咳不喘 能吃饭",
 R, None, "M", None, "Progressive solid-food dysphagia with weight loss, no dyspnoea = suspected oesophageal cancer, endoscopy referral within 2 weeks; consensus Ⅳ"),
("抽烟三十多年 咳嗽一个来月了不见好 痰里没血 不发烧 不喘 就是嗓子老有痰",
 R, None, None, None, "Cough >3 weeks in a long-term smoker without haemoptysis or distress = chest X-ray within 2 weeks (NICE NG12)"),
("吃阿托伐他汀三个月了，最近两条大腿有点酸，上楼没劲，不红不肿，尿颜色正常。要不要停药？",
 R, None, None, None, "Mild statin-associated muscle symptoms, urine normal (no rhabdomyolysis sign) = medicine review with CK within days"),
("我六十九 这半年起夜越来越勤 一宿得起来三四趟 尿得慢 滴滴答答的 不疼 没血",
 R, 69, None, None, "Chronic lower urinary tract symptoms without retention, pain or haematuria = routine review (Ⅳ non-urgent)"),
("糖尿病十来年了，这半年两只脚底板发麻，像踩着棉花，脚上没破口，颜色也正常",
 R, None, None, ["diabetes"], "Gradual symmetric numbness = likely peripheral neuropathy, no ulcer; chronic complication review (基层糖尿病指南), routine"),
("我后背有颗痣 我媳妇儿说这半年变大了 边儿不齐 颜色深一块浅一块的 不疼不痒 也没破",
 R, None, "M", None, "Enlarging mole with irregular border and colour = suspicious pigmented lesion (ABCDE), 2-week referral; not acute"),
("俺血压吃着三样药，颉沙坦、氨氯地平，还有氢氯噻嗪，都吃足量了，在家量还是一百五六、九十五六，头不疼，就问问还有啥法子",
 R, None, None, ["hypertension"], "Not at target on 3 full-dose drugs incl. diuretic = resistant hypertension → upward referral (随访转诊, BP-T2), no danger signs"),
("退休以后睡觉越来越差，一宿就睡三四个钟头，醒了就睡不着，白天没精神，快俩月了。心情还行，就是想问问能不能开点助眠的药。",
 R, None, None, None, "Chronic insomnia without mood or safety concerns = mild persistent problem, routine family doctor visit"),
("大夫 吃硝苯地平控释片以后 俩脚脖子傍晚有点肿 早上起来就消了 不喘 能平躺 血压控制得还行 130多",
 R, None, None, None, "Dependent ankle oedema on a dihydropyridine CCB without dyspnoea/orthopnoea = drug adverse effect → review within 2 weeks"),

# ---------------- self_care (17) ----------------
("早上照镜子吓一跳 左眼眼白红了一大片 跟出血了似的 不疼不痒 看东西清楚 没磕着 血压量了126/80 也没吃啥抗凝药",
 S, None, None, None, "Painless subconjunctival haemorrhage with normal vision, normal BP, no trauma or anticoagulant = self-limiting"),
("血压128/82算高不",
 S, None, None, None, "128/82 is high-normal, not hypertension (基层指南 BP grades); reassurance and lifestyle advice"),
("俺体检空腹血糖五点六 是不是得糖尿并了 要吃药不",
 S, None, None, None, "Fasting glucose 5.6 is below 6.1 (normal) — not diabetes; reassurance, routine yearly check"),
("降压药漏吃一顿咋办",
 S, None, None, None, "Missed dose question: take when remembered unless near the next dose, don't double; home advice"),
("孩子7岁，刚才抠鼻子流鼻血了，捏着鼻子五六分钟就止住了，以前也这样过，没别的毛病",
 S, 7, None, None, "Anterior epistaxis stopped with pressure in a well child = minor bleeding, home care"),
("嗓子疼流鼻涕两天咧 今儿三十七度八 吃饭喝水都行 就是身上有点酸",
 S, None, None, None, "Uncomplicated URTI with low fever, eating and drinking = self-care with safety-net advice"),
("宝宝三个半月，纯母乳，四天没拉粑粑了，肚子软乎乎的，吃奶正常，放屁挺多，也不哭闹，这是便秘吗，用不用开塞露",
 S, 0, None, None, "Infrequent soft stools in a thriving exclusively breastfed infant with soft abdomen are normal (攒肚); no enema needed"),
("王大夫您好，我是三队的老刘家的，今年七十三了，麻烦您给看看。今天早上起来解小手，一看尿是红的，吓死了😱 我还以为是尿血了，赶紧叫儿子给我打电话，他在城里上班还没回话。后来我琢磨了一下，昨儿晚上闺女买的那个红心火龙果，我一个人吃了一整个。撒尿不疼，也不发烧，腰也不疼，就这个颜色看着瘆人，有关系吗？",
 S, 73, None, None, "Red urine after red-flesh pitaya (betacyanin) without pain or fever = benign pigment; recheck after stopping the fruit"),
("查出来幽门螺杆菌 吃医生开的四联药第三天 拉的屎黑了 俺吓一跳 不头晕不心慌 肚子也不疼 要停药不",
 S, None, None, None, "Black stool from bismuth in quadruple therapy, no dizziness or pain = expected drug effect; continue the course"),
("孩子腿上叫蚊子叮了 肿了个一元钱硬币那么大的包 又红又痒 挠破了点 不发烧 介要紧吗",
 S, None, None, None, "Local reaction to a mosquito bite without fever or spreading redness = home care"),
("中午吃了点拌凉菜 下午拉了三回稀 不发烧不吐 水也能喝 就是肚子咕噜咕噜的 贼闹心",
 S, None, None, None, "Mild diarrhoea without fever, vomiting or dehydration = oral fluids at home, watch for red flags"),
("今天在诊所挂了头孢 晚上有个酒场 喝一点啤的中不中",
 S, None, None, None, "Medicine question: avoid all alcohol for ~7 days after cephalosporin (disulfiram-like reaction); advice only"),
("打球崴脚咧 外踝有点肿 能自己走路 按着骨头不疼",
 S, None, None, None, "Ankle sprain, weight-bearing, no bony tenderness = Ottawa rules negative; RICE at home"),
("孙女生下来第五天，换尿布发现尿布上有一点点血丝，像来月经似的，孩子吃奶睡觉都好，这是怎么回事啊？",
 S, 0, "F", None, "Small vaginal bleed in a well 5-day-old girl = neonatal withdrawal bleed (pseudo-menses), normal"),
("刚对着镜子看舌头 舌根那有一排大疙瘩 排成个V字 不疼 是不是舌癌啊 我查百度查得腿都软了😭",
 S, None, None, None, "V-shaped row of bumps at the tongue base = normal circumvallate papillae; reassurance"),
("打疫苗胳膊疼正常吗",
 S, None, None, None, "Local arm pain after vaccination is an expected minor reaction; home care"),
("糖尿病 饭后俩钟头测的8.9 空腹6.3 这算控制得中不中",
 S, None, None, ["diabetes"], "Fasting 6.3 (<7.0) and 2-h 8.9 (<10.0) are within CDS 2020 targets; reassurance"),
]

TARGET = {E: 20, U: 18, R: 15, S: 17}
ALLOWED = {"hypertension", "diabetes", "pregnancy", "atrial fibrillation", "copd", "asthma", "anticoagulant", "heart disease"}

def main():
    cnt = collections.Counter(c[1] for c in CASES)
    assert dict(cnt) == TARGET, cnt
    assert len(CASES) == 70
    texts = [c[0] for c in CASES]
    assert len(set(texts)) == len(texts), "duplicate text"
    rows = list(CASES)
    random.Random(SEED).shuffle(rows)
    with open(OUT, "w", encoding="utf-8") as f:
        for i, (text, level, age, sex, cond, why) in enumerate(rows, 1):
            obj = {"id": f"h6-{i:03d}", "set": SET, "text": text, "level": level}
            if age is not None:
                obj["age"] = age
            if sex is not None:
                assert sex in ("M", "F")
                obj["sex"] = sex
            if cond:
                assert set(cond) <= ALLOWED, cond
                obj["conditions"] = cond
            obj["why"] = why
            f.write(json.dumps(obj, ensure_ascii=False) + "\n")
    lens = sorted(len(t) for t in texts)
    print("wrote", OUT, dict(cnt), "len min/median/max", lens[0], lens[len(lens)//2], lens[-1])

if __name__ == "__main__":
    main()
