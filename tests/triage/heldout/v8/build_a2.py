# -*- coding: utf-8 -*-
"""Held-out set v8, part A2: 70 colloquial WeChat messages, hand-written.
Each case: (level, text, age, sex, conditions, why)."""
import json, random, collections, os

E, U, R, S = "emergency", "urgent", "routine", "self_care"

CASES = [
# ---------------- emergency (20) ----------------
(E, "我爷爷今年七十八早上喝稀饭的时候粥一直从左边嘴角往外漏跟他说话回答的大舌头含含糊糊的左手端碗也端不稳我奶奶说是昨晚没睡好让他再躺躺大概半个钟头前开始的不会是中封吧",
 78, "M", None, "中风120: sudden facial droop + slurred speech + arm weakness, onset 30 min → acute stroke, consensus Ⅱ, call 120"),
(E, "工地上一个老乡刚才干着活突然说看东西都是两个影 走路像喝醉了一样老往左边歪 还吐了一回 他自己说是中暑 在阴凉地坐着歇呢 不用送医院吧",
 None, "M", None, "BE-FAST: sudden diplopia + loss of balance with vomiting → posterior-circulation stroke, consensus Ⅱ"),
(E, "我女的 26 刚在健身房硬拉 后脑勺突然像被人拿砖头砸了一下 这辈子没这么疼过 现在脖子梗着转不动 吐了两回 应该是拉伤了吧 吃个布洛芬行不",
 26, "F", None, "Thunderclap 'worst ever' headache on exertion + neck stiffness + vomiting → suspected SAH, 中风120 剧烈头痛, consensus Ⅱ"),
(E, "王医生您好 我在深圳上班 我妈在老家 72了 有糖尿病打胰岛素的 刚才打电话说从吃完午饭到现在一个多钟头心口窝那块闷闷的 像压了块石头 她以为是胃病吃了两片奥美拉唑没用 还出了一生冷汗没力气 她不让打120说歇歇就好 我该怎么办",
 72, "F", ["diabetes"], "Atypical ACS in elderly diabetic woman: >1 h epigastric pressure with sweating, unrelieved → cardiac-type chest pain, consensus Ⅱ, 120"),
(E, "医生 我老汉儿高血压好多年咯 刚刚扛米上楼 突然背心痛 他说像有把刀在背上往下面划 痛得遭不住 量了血压两百 一百一 药都吃了的 咋个办嘛",
 None, "M", ["hypertension"], "Sudden tearing back pain with BP 200/110 → suspected aortic dissection; BP-E1 / 急诊转诊 item 3, consensus Ⅱ"),
(E, "坐了三十多个钟头大巴回老家 左边小腿这两天肿得跟萝卜似的 今早起来突然喘不上气 吸气胸口一扎一扎的疼 心跳快得像打鼓 躺会儿是不是就好了",
 None, None, None, "Long immobility + unilateral calf swelling + sudden dyspnoea + pleuritic pain + tachycardia → suspected PE, consensus Ⅱ"),
(E, "在诊所打完头孢吊瓶回家的\n半个钟头\n身上一块一块起风团 痒死\n嗓子眼像被人掐住了 说话声音都变了\n头晕想吐",
 None, None, None, "Urticaria + throat tightness/voice change + dizziness 30 min after IV cephalosporin → anaphylaxis (WAO), 120 / adrenaline"),
(E, "我室友晚上喝了大半瓶二锅头 跟女朋友分了 刚才发现垃圾桶里有个空的安眠药板 一板十几粒那种 全没了 他现在躺床上怎么叫都叫不太醒 呼噜打得特别响 让他睡一觉明天就好了吧",
 None, "M", None, "Alcohol + hypnotic overdose with impaired consciousness, likely intentional → acute overdose consensus Ⅰ, 120"),
(E, "俺爹晌午在地里打了一晌药 就是那个敌敌畏 回来就说头晕 满头大汗 嘴里老往外淌口水 拉了两回稀 眼瞅着人有点迷瞪 是不是热着了 给他刮刮痧中不中",
 None, "M", None, "Organophosphate (DDVP) exposure with sweating, salivation, diarrhoea, drowsiness → poisoning, 急性中毒诊治专家共识, consensus Ⅱ"),
(E, "昨晚上家头炒了山上捡的菌子 一家四口都吃了 吃完十来个钟头才开始 今天早上又吐又拉 我妈吐得最凶 拉的像米汤一样 小娃也在吐 都没得力气了 是不是菌子没炒熟 吃点蒙脱石散就得了嘛",
 None, None, None, "Wild mushroom meal with GI symptoms starting >6 h later in several people → suspected amatoxin poisoning, consensus Ⅱ"),
(E, "大夫 俺们家烧的炉子 昨晚门窗都关严实了 今儿早上起来俺和俺家老爷们都脑瓜子疼 恶心 俺婆婆叫了好几遍才睁眼 迷迷糊糊的 这是咋整的啊 感冒了吗",
 None, None, None, "Coal stove in sealed room, household headache/nausea, one member hard to rouse → CO poisoning, consensus Ⅰ/Ⅱ, 120"),
(E, "我老伴76 吃阿斯匹林好几年了 这两天拉的大变黑乎乎的跟柏油一样 还发亮 今早起床一站起来眼前发黑差点摔了 脸煞白 是不是吃坏肚子了",
 76, None, None, "Melaena on aspirin with postural presyncope and pallor → active GI bleeding, consensus Ⅱ, 120"),
(E, "我爸糖尿病打胰岛素的\n晚饭没怎么吃\n现在满头大汗 说话颠三倒四 把我认成我妈了\n测了血糖2.6\n喂糖水他咽不下去往外流",
 None, "M", ["diabetes"], "BG 2.6 with confusion and unable to swallow → level 3 hypoglycaemia, POCT <3.33 consensus Ⅰ, G-E1 → 120"),
(E, "宝宝出生七个星期了今天下午摸着有点烫耳温枪量了三十八度三吃奶比平时少一点精神还行就是有点蔫要不要先物理降温观察一下明天再去医院",
 0, None, None, "Infant <3 months with temp ≥38 °C → NICE NG143 high risk (red), immediate hospital assessment"),
(E, "dbq打扰了 大姨妈推迟快两个礼拜了 还没测 今天下午右边小肚子突然一阵一阵疼 像有东西在里面扯 下面有点咖啡色的血 刚上厕所眼前一黑差点晕过去 现在右边肩膀也疼 是不是姨妈要来了",
 None, "F", None, "Missed period + unilateral pelvic pain + spotting + near-syncope + shoulder-tip pain → suspected ruptured ectopic, consensus Ⅱ"),
(E, "孙子两岁半 刚才自己把遥控器后盖抠开了 里头那个圆圆扁扁的纽扣电池少了一颗 到处找不着 问他他说吃了 现在还在玩 看着挺好 没哭没闹 要紧不",
 2, "M", None, "Suspected button-battery ingestion in a toddler → oesophageal burn within hours, emergency removal (ingestion/poisoning, consensus Ⅱ) even if well"),
(E, "医生问一下 我外婆81了 房颤好多年 一直吃华法林 上个月刚查过那个INR说还行 她一个人住 下午在菜市场门口摔了一跤 后脑勺磕台阶上了 起了个鸡蛋大的包 当时她说没事自己走回家的 我舅晚上过去看 说她吐了两回 现在老想睡 叫她能应 但话说不太利索了 舅说明天一早带她去镇上卫生院 这样行吗",
 81, "F", ["atrial fibrillation", "anticoagulant"], "Head injury on warfarin with vomiting, drowsiness and slurred speech → suspected intracranial bleed, NICE NG232 CT within 1 h, 120"),
(E, "喂医生我们工地上有个大哥中午在楼顶帮钢筋突然就倒了现在扶起来叫他就哼哼不说人话身上烫得跟火炉一样摸着干干的一点汗都没有我们给他灌了藿香正气水还用送医院吗",
 None, "M", None, "Collapse in heat with hot dry skin and altered consciousness → heat stroke, consensus Ⅰ/Ⅱ, 120 + cooling"),
(E, "孩子15 男孩 早上踢球的时候左边蛋蛋突然疼起来 现在一个多小时了 疼得直冒冷汗 吐了一次 他不好意思给我看 我想着让他先躺会 下午再去挂号行吗",
 15, "M", None, "Sudden severe unilateral testicular pain with vomiting in a teenager → suspected torsion, consensus Ⅱ, surgery within 6 h"),
(E, "奶奶85了 以前脑子一直很清楚 前两天有点咳嗽 今天突然不认人了 把我爸叫成她哥 说胡话 摸着烫 量了39度1 喘气比平时快好多 饭一口没吃 是不是突然老年痴呆了",
 85, "F", None, "New acute confusion + fever 39.1 + tachypnoea in an 85-year-old → suspected sepsis (NICE NG51 high-risk), consensus Ⅱ"),

# ---------------- urgent (18) ----------------
(U, "我今年75了早上量血压一百八十五一百一十二歇了十分钟又量了一遍还是一百八十多一百一头不疼也不晕眼睛看东西清楚的就是昨天降压要忘吃了",
 75, None, ["hypertension"], "Confirmed ≥180/110 without symptoms → BP-U1, consensus Ⅲ (SBP 180–200), same-day family-doctor contact"),
(U, "孕30周 在家量血压146/96 隔十分钟再量142/95 以前都一百一左右 不头疼 看东西正常 脚稍微有点肿 后天产检再说行吗",
 None, "F", ["pregnancy"], "Pregnant with new BP ≥140/90, no severe features → BP-U1; NICE NG133 same-day assessment"),
(U, "二型糖尿病 吃二甲双胍 过年没管住嘴 今天晚饭后俩小时测19.5 早上空腹也16点几 不吐 肚子不疼 就是嘴干 人挺精神的 要紧吗",
 None, None, ["diabetes"], "BG ≥16.7 on two readings without vomiting/abdominal pain/drowsiness → G-U2, same-day contact + ketone check"),
(U, "我妈68 糖尿病吃格列美脲的 今早买菜回来手抖心慌一身汗 测了个2.9 赶紧喝了半瓶可乐 十五分钟后5.8 现在人好了说话正常 这药还接着吃吗",
 68, "F", ["diabetes"], "Level 2 hypoglycaemia (2.9) on sulfonylurea, treated and recovered → G-E1 immediate family-doctor call, drug review today"),
(U, "我爸82 吃利伐沙班的 刚在卫生间滑了一下 脑门磕门框上 红了一小块 没破 人清醒 没吐 说话走路都跟平常一样 他说不用管 真不用管吗",
 82, "M", ["anticoagulant"], "Anticoagulated patient with head injury, no symptoms → hospital CT same day (triage_criteria 5.6; NICE NG232)"),
(U, "个仔三岁 今朝开始呕 呕咗成日 饮啖水都呕返出嚟 成个上昼冇屙过尿 嘴唇干晒 不过仲识得玩",
 3, "M", None, "Persistent vomiting, cannot keep fluids, no urine all morning, dry lips → dehydration, consensus Ⅲ, NICE CG84 same-day"),
(U, "阿婆七十三 昨日夜里开始肚皮隐隐约约痛 肚脐眼周围 不算老厉害 没发寒热 没吐 大便昨日解过 饭吃得少点 要紧伐",
 73, "F", None, "Any abdominal pain at age >65 without high-risk features → consensus Ⅲ, same-day assessment"),
(U, "有哮喘 降温又犯了 ventolin今天喷了五六次 管两三个小时又开始喘 昨晚咳醒好几回 说话还行能说整句 血氧95 要去医院吗",
 None, None, ["asthma"], "Acute asthma, reliever needed every 2–3 h, night waking, stable sats/speech → consensus Ⅲ, same-day review (GINA/BTS)"),
(U, "bb四个月 下午开始发烧 腋温39.2 吃奶还行 哭声挺响 手脚热乎 没起疹子 今天要去医院吗还是喂美林观察",
 0, None, None, "Infant 3–6 months with temp ≥39 °C → NICE NG143 amber, face-to-face assessment today"),
(U, "我糖尿病十几年了 右脚大脚趾旁边前几天穿新鞋磨破个口子 今天一看周围红了一大片 肿 往脚背上走 摸着热 不咋疼 没发烧",
 None, None, ["diabetes"], "Diabetic foot: new ulcer with spreading cellulitis, afebrile → urgent referral (基层糖尿病指南 2.4; NICE NG19 same day)"),
(U, "厂里上班的 女 23 这三天尿尿烧得慌 老想上厕所 今天右边后腰疼 发烧38.8 一阵阵打冷战 能喝水 没吐",
 23, "F", None, "Dysuria + flank pain + fever 38.8 with rigors, tolerating fluids → suspected pyelonephritis, NICE NG111 same-day antibiotics"),
(U, "房颤老病号\n今天一整天心里扑腾扑腾的 像揣了只兔子\n电子血压计心律124 后来128\n血压135/80\n胸口不疼 不喘 能走",
 None, None, ["atrial fibrillation"], "AF with persistent HR 124–128, BP stable, no chest pain/dyspnoea → HR 100–150 consensus Ⅲ, same day"),
(U, "在外面打工三年了 最近老睡不着 一个人的时候觉得活着没啥意思 也不是想干嘛 就觉得zs了也没人知道 没想过具体咋弄 这算病吗",
 None, None, None, "Passive suicidal ideation without plan, depressive symptoms → consensus Ⅲ self-harm risk, same-day mental-health assessment"),
(U, "狗咬破皮了 没打过疫苗",
 None, None, None, "Stray-dog bite breaking skin, unvaccinated → WHO rabies category III, wound care + vaccine + RIG today"),
(U, "老头子74 左边脑门上起了一串水泡 疼得像针扎火燎一样 这两天长到鼻子尖上了 左眼也有点红 邻居说是缠腰龙 擦点药膏行不",
 74, "M", None, "Herpes zoster ophthalmicus with nasal-tip lesions and red eye → NICE CKS same-day ophthalmology + antivirals"),
(U, "慢阻肺老毛病 这三天痰多了 黄痰 比平常喘 走几步得歇 手指夹的测氧仪95 坐着说话不费劲 不发烧",
 None, None, ["copd"], "COPD exacerbation, purulent sputum, SpO2 95, no distress → family doctor within 24 h (triage_criteria 5.6)"),
(U, "今早醒来右耳朵像塞了团棉花 啥都听不清 还嗡嗡响 像耳朵里有只蚊子 不疼 没流水 昨天还好好的 掏了半天也没用 过几天会自己好吗",
 None, None, None, "Sudden unilateral hearing loss with tinnitus overnight → NICE CKS sudden sensorineural hearing loss, ENT within 24 h"),
(U, "我妈高血压吃三种降压药 最近天热 这两天一站起来就头晕眼花 得扶着墙 量了88/54 坐一会好点 没晕倒过",
 None, "F", ["hypertension"], "SBP <90 with postural dizziness on 3 antihypertensives → BP-L1, same-day family-doctor contact"),

# ---------------- routine (14) ----------------
(R, "高血压 吃氨氯地平5mg 这一礼拜早晚都量了 平均145/90上下 人没啥不舒服 要不要加药啊",
 None, None, ["hypertension"], "7-day home mean 145/90 above home target, asymptomatic → BP-T1, family-doctor review within 2 weeks"),
(R, "糖尿病 二甲双胍一天两片 空腹血糖这礼拜测了四回 7.8 8.2 8.5 7.9 饭后没测 没啥感觉 是不是该调药",
 None, None, ["diabetes"], "Fasting SMBG mean ≥7.0 over ≥3 values, no symptoms → G-T1, adjust and revisit within 2 weeks"),
(R, "阿托伐他汀吃了一个多月 这阵子两条腿酸酸的 像爬完山第二天那样 不影响走路 尿颜色正常 要换药吗",
 None, None, None, "Mild statin myalgia without weakness or dark urine → medicine review/CK in days (NICE CG181)"),
(R, "自打换了依那普利 嗓子眼痒 老干咳 小半年了 没痰不发烧不喘 晚上咳得老伴睡不着",
 None, None, None, "Chronic dry cough on ACE inhibitor, no red flags → adverse drug reaction, medicine review (规范 2-week revisit)"),
(R, "我五十八了绝经都七八年了这个月内裤上见了两回红很少一点点肚子也不疼是不是上火了用不用去看看",
 58, "F", None, "Postmenopausal bleeding, no acute features → NICE NG12 suspected-cancer referral within 2 weeks"),
(R, "洗澡摸到左边乳房外上边有个花生米大的疙瘩 硬硬的 推着不大动 不疼 一个多月了 今年46",
 46, None, None, "Unexplained breast lump age ≥30 → NICE NG12 2-week suspected-cancer referral, no acute danger"),
(R, "送外卖的 吃饭老不准点 这俩月经常烧心返酸 胸口下面火辣辣的 吃奥美拉唑就好点 一停又犯 吃东西咽得下去 体重没掉",
 None, None, None, "Recurrent reflux symptoms responsive to PPI, no dysphagia or weight loss → NICE CG184 routine review"),
(R, "大夫 俺今年79了 俩膝盖疼了好些年了 拍过片子说是骨质增生 上下楼像有沙子在里头磨 咯吱咯吱响 蹲下去起不来 最近天冷了更厉害 贴膏药不大管用 俺闺女给买了布洛芬 吃了管用 就是怕伤胃 俺也有点胃不好 想问问这止疼片能不能常吃 还是换个啥药 不红不肿 也没摔着",
 79, None, None, "Known chronic knee OA pain, analgesic review in an elderly patient → consensus Ⅳ 非急症 (known chronic symptoms)"),
(R, "失眠一个多月了 天天两三点才睡着 白天上班没精神 没有不想活 就是烦 退黑素能一直吃吗",
 None, None, None, "Persistent insomnia >1 month, suicidal thoughts denied → routine review (NICE CKS insomnia)"),
(R, "单位体检B超 甲状腺右叶结节0.8cm TI-RADS 3类 脖子不疼不难受 需要做啥",
 None, None, None, "Incidental TI-RADS 3 thyroid nodule, asymptomatic → routine review (TSH, ultrasound follow-up)"),
(R, "医生 二甲双胍和厄贝沙坦快吃完了 这个月血压血糖都挺稳 能开个长处方不 下礼拜去拿",
 None, None, None, "Stable chronic disease, prescription only → consensus Ⅳ 非急症, long prescription"),
(R, "老爷子七十一 夜里要起来尿四五回 尿得细 等半天才出来 尿完还滴答 能尿出来 不疼 没见血",
 71, "M", None, "LUTS/BPH with nocturia, no retention or haematuria → routine assessment (PSA, review)"),
(R, "吃氨氯地平半年了 最近俩脚脖子下午肿 一按一个坑 早上起来就消了 不喘 晚上能躺平睡",
 None, None, None, "Dependent ankle oedema on amlodipine without dyspnoea/orthopnoea → drug side effect, medicine review"),
(R, "抽了四十年烟 今年62 嗓子哑了一个多月 不疼 吃饭喝水都正常 不喘 含片没用",
 62, None, None, "Persistent hoarseness >3 weeks age ≥45 in a smoker → NICE NG12 2-week referral, no airway compromise"),

# ---------------- self_care (18) ----------------
(S, "我82了 高血压吃着药 这几天早上量的都是138/80左右 邻居说超过130就高了 要不要多吃一片",
 82, None, ["hypertension"], "Age ≥80 target <150/90 (基层指南 2020); 138/80 at target → no change, self-care"),
(S, "高血压吃药两年了 现在天天一百二十八 七十八 是不是好了能停药了",
 None, None, ["hypertension"], "Controlled home BP 128/78 on treatment → reassure, keep taking the drug, self-care advice"),
(S, "dm 二甲双胍 空腹6.1 饭后两小时8.9 算控制得好吗 主食还要再少吃吗",
 None, None, ["diabetes"], "Fasting 4.4–7.0 and post-meal <10.0 → at CDS 2020 target, self-care"),
(S, "早上照镜子吓死我了 左眼白眼珠一大片血红 像兔子眼一样 不疼不痒 看东西跟平时一样清楚 没撞着 就昨晚咳嗽咳得厉害",
 None, None, None, "Painless subconjunctival haemorrhage after coughing, normal vision, no trauma → NICE CKS self-care"),
(S, "尿是红的!!! 像掺了红墨水 吓死 不疼 昨天吃了两个红心火龙果 有关系吗",
 None, None, None, "Red urine after red dragon fruit, painless → food pigment, self-care; recheck if persists"),
(S, "贫血 医生开了硫酸亚铁 吃了三天 大便变成黑绿色 成形的 不头晕不心慌 正常吗",
 None, None, None, "Dark formed stool after starting oral iron, no dizziness → expected drug effect, self-care"),
(S, "孩子6岁 刚才抠鼻子流鼻血了 捏着鼻子低头五分钟就止住了 第一次 天太干了",
 6, None, None, "Anterior epistaxis stopped with pressure in 5 min → minor bleeding, self-care (NICE CKS)"),
(S, "打工的 宿舍好几个都敢冒了 我也鼻塞流鼻涕 嗓子有点疼 37.5 两天了 能吃能睡 要吃消炎药不",
 None, None, None, "Common cold, low-grade temp, eating and sleeping → self-care, no antibiotics (NICE CKS)"),
(S, "糟了\n早上吃了一片氨氯地平 刚才忘了又吃了一片\n一共10毫克\n现在血压118/72 不晕\n会出事吗",
 None, None, None, "Accidental extra amlodipine, total 10 mg (standard max dose), BP 118/72, no symptoms → self-care"),
(S, "明天同学婚礼 我这两天在吃头孢克肟 喝两杯beer应该ok吧",
 None, None, None, "Medicine question: avoid alcohol on cephalosporin (disulfiram-like reaction) → advice, self-care"),
(S, "娃一岁半 趁我不注意把儿童牙膏挤出来吃了一小口 现在跟没事人一样 要抠喉咙催吐吗",
 1, None, None, "Small-volume toothpaste ingestion, well child → non-toxic, do not induce vomiting, self-care"),
(S, "做饭热油溅手背上 红了硬币大一块 没起泡 火辣辣的 冲了十分钟凉水 要抹牙膏吗",
 None, None, None, "Small superficial burn without blisters, cooled → self-care (no toothpaste)"),
(S, "打球崴脚了 外脚踝肿了一点 能自己走回宿舍 按骨头不疼 就外面软的地方疼",
 None, None, None, "Ankle sprain, weight-bearing, no bony tenderness (Ottawa negative) → self-care RICE"),
(S, "昨晚撸了路边摊 今天拉了三回稀 没血 不发烧 能喝水 尿也正常 肚紫咕噜咕噜响",
 None, None, None, "Mild gastroenteritis without blood, fever or dehydration → consensus Ⅳ, self-care oral fluids"),
(S, "眼皮老跳咋回事😭",
 None, None, None, "Eyelid myokymia, benign → self-care (rest, less caffeine)"),
(S, "医生你好 我是做程序的 连着加了一礼拜班 每天就睡四五个小时 今天下午开始头像被孙悟空的紧箍咒箍住一样 两边太阳穴发紧 脖子后面也僵 不是突然炸开那种疼 是慢慢来的 不吐 看东西清楚 手脚有劲 说话也正常 以前累了也这样过 网上一查说是脑瘤 吓得不行 睡一觉能好吗",
 None, None, None, "Band-like bilateral headache after overwork, red flags negated → tension-type headache, self-care"),
(S, "宝宝5个月 今天上午打了百白破 下午体温37.8 吃奶正常 打针那块有点红 要紧吗",
 0, None, None, "Low-grade fever and local redness after DTaP, feeding normally → expected vaccine reaction, self-care"),
(S, "嘴里溃疡三天 疼死",
 None, None, None, "Single aphthous ulcer for 3 days → self-care (review if >3 weeks)"),
]

ALLOWED_COND = {"hypertension", "diabetes", "pregnancy", "atrial fibrillation", "copd",
                "asthma", "anticoagulant", "heart disease"}
EXPECTED = {E: 20, U: 18, R: 14, S: 18}
SEED = 8818
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "triage_heldout_v8_a2.jsonl")


def main():
    cases = list(CASES)
    cnt = collections.Counter(c[0] for c in cases)
    assert dict(cnt) == EXPECTED, cnt
    assert len(cases) == 70
    texts = [c[1] for c in cases]
    assert len(set(texts)) == len(texts), "duplicate text"
    for lv, text, age, sex, cond, why in cases:
        assert lv in EXPECTED
        assert sex in (None, "M", "F")
        assert age is None or (isinstance(age, int) and 0 <= age <= 110)
        assert cond is None or (cond and set(cond) <= ALLOWED_COND), cond
        assert why and text
    random.Random(SEED).shuffle(cases)
    with open(OUT, "w", encoding="utf-8") as f:
        for i, (lv, text, age, sex, cond, why) in enumerate(cases):
            obj = {"id": "h8-%03d" % (71 + i), "set": "colloquial", "text": text, "level": lv}
            if age is not None:
                obj["age"] = age
            if sex is not None:
                obj["sex"] = sex
            if cond:
                obj["conditions"] = cond
            obj["why"] = why
            f.write(json.dumps(obj, ensure_ascii=False) + "\n")
    # re-read and verify
    rows = [json.loads(l) for l in open(OUT, encoding="utf-8")]
    ids = [r["id"] for r in rows]
    assert ids == ["h8-%03d" % i for i in range(71, 141)], ids[:3]
    c2 = collections.Counter(r["level"] for r in rows)
    assert dict(c2) == EXPECTED
    lens = sorted(len(r["text"]) for r in rows)
    print("wrote", OUT, len(rows), "rows")
    print("set colloquial:", {k: c2[k] for k in (E, U, R, S)})
    print("text length min/median/max:", lens[0], lens[len(lens) // 2], lens[-1])
    print("short(<=10):", sum(l <= 10 for l in lens), " 10-80:", sum(10 < l <= 80 for l in lens),
          " >80:", sum(l > 80 for l in lens))


if __name__ == "__main__":
    main()
