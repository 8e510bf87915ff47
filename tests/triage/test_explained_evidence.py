"""Explained evidence lowers a red flag only through a named rule, and only when the rule's conditions hold:
each pair below is the explained presentation and the same presentation with one risk feature that keeps
the flag. A rule that fires too widely fails the second case; a missing rule fails the first."""
from __future__ import annotations

import pytest

from app.services.triage import assess

# The rules' own answers: the second reader is off here (conftest.rules_only).
pytestmark = pytest.mark.usefixtures("rules_only")


def _level(text: str, **kw) -> str:
    return assess(text, interactive=False, **kw).level


@pytest.mark.parametrize("explained, kept, kept_level", [
    # a chest infection explains pleuritic pain with mild breathlessness (NICE CKS) ...
    ("我45岁 发烧三天39度 咳黄痰 一吸气右边胸口就疼 走路有点喘",
     "我45岁 发烧三天39度 咳黄痰 一吸气右边胸口就疼 走路有点喘 一身冷汗", "emergency"),
    # ... a dental anaesthetic explains a drooping numb mouth ...
    ("今天上午拔牙打了麻药 现在嘴角有点歪 喝水往外漏",
     "今天上午拔牙打了麻药 现在嘴角有点歪 右手也没劲", "emergency"),
    # ... iron explains black stool ...
    ("吃补铁药以后大便发黑 人没什么不舒服", "吃补铁药以后大便发黑 起来就头晕", "emergency"),
    # ... a nosebleed explains a mouthful of blood brought up ...
    ("昨晚流鼻血 早上吐了一口血 鼻血早就止住了", "昨晚流鼻血 早上吐了一口血 拉的屎是黑的", "emergency"),
])
def test_a_named_rule_explains_only_without_its_risk_features(explained, kept, kept_level):
    assert _level(explained) in ("urgent", "routine", "self_care")
    assert _level(explained) != "emergency"
    assert _level(kept) == kept_level


def test_a_lift_that_hurts_on_bending_explains_loin_pain_without_blood_or_fever():
    # EAU urolithiasis (renal colic is not positional); NICE CKS low back pain (mechanical pain after lifting)
    strained = "前天抬冰箱闪了腰 右边腰疼 弯腰起身时疼 躺着还行"
    assert _level(strained) in ("routine", "self_care")
    assert _level(strained + " 尿是红的") == "urgent"
    assert _level(strained + " 发烧38度5") == "urgent"


def test_a_sore_throat_of_days_explains_its_voice_and_swallowing_whatever_was_taken_for_it():
    # WAO 2020 (anaphylaxis begins within hours of the exposure); NICE CKS sore throat (quinsy: same day)
    quinsy = "嗓子疼五天了 吃了两天阿莫西林 右边越来越疼 嘴只能张开一指 说话像含着东西 咽口水都疼 烧38度5"
    assert _level(quinsy) == "urgent"
    assert _level(quinsy + " 刚才嘴唇也肿了 喉咙发紧") == "emergency"
    assert _level("刚吃了阿莫西林 半小时嗓子发紧 说话声音变了 咽东西费劲") == "emergency"


def test_flashes_and_floaters_explain_a_curtain_over_one_eye_without_other_stroke_signs():
    # NICE CKS retinal detachment (same-day eye referral)
    detaching = "右眼这两天老看到闪光 眼前好多小黑点 今早右眼上半边像挡了块帘子 不疼"
    assert _level(detaching) == "urgent"
    assert _level(detaching + " 左手也麻了") == "emergency"
    assert _level("右眼突然看不见了一半 像挡了块帘子") == "emergency"


def test_a_meter_reading_hi_in_someone_who_feels_well_is_a_same_day_call():
    # docs/clinical_rules.md §2.6 (G-U2; HI with symptoms is the emergency)
    assert _level("血糖HI 人好好的") == "urgent"
    assert _level("血糖HI") == "emergency"
    assert _level("血糖HI 口渴得厉害 人迷迷糊糊") == "emergency"


def test_a_treated_low_glucose_that_recovered_is_same_day_not_emergency():
    treated = "血糖2.8 心慌出汗 喝了糖水 过了一刻钟再测5.4 现在人清醒"
    assert _level(treated) == "urgent"
    assert _level("血糖2.8 心慌出汗 喝了糖水 再测还是3.2") == "emergency"
    assert _level("血糖2.8 喝了糖水 再测5.4 但是人迷迷糊糊的") == "emergency"
    # whatever sugar was given, however it went down: the low value is not lost behind the recovered one
    assert _level("心慌手抖 测血糖2.7 赶紧灌了半瓶可乐 一刻钟再测4.8") == "urgent"
    assert _level("打胰岛素 半夜出冷汗 一测2.7 喝了半杯糖水 十五分钟后6.5 早上精神还可以") == "urgent"


def test_a_value_measured_again_after_a_slip_replaces_the_first():
    assert _level("血糖仪显示2.7 手上有水没擦干 擦干了重新测6.1 人好好的") != "emergency"


@pytest.mark.parametrize("text", [
    "吃了几年依那普利 今天舌头和嘴唇肿起来 说话含糊像含着东西",   # angio-oedema with airway signs, no trigger named
    "孩子15岁 半夜睾丸疼 一边肿了 还吐了",                           # torsion in the young
    "怀孕33周 下面突然流水 肚子一阵一阵发紧",                         # preterm labour
    "怀孕了 肚子疼 刚才上厕所晕倒了",                                  # collapse with pain in pregnancy
    "爷爷78岁 肚子疼一上午 脸色煞白 出冷汗 头晕",                       # abdominal pain with shock signs
    "从尼日利亚打工回来 发烧打摆子",                                   # fever after a malaria area
])
def test_red_flag_presentations_described_by_their_features(text):
    assert _level(text) in ("emergency", "urgent")
    if "尼日利亚" not in text:
        assert _level(text) == "emergency"


def test_an_antithyroid_drug_with_fever_is_same_day():
    assert _level("吃甲巯咪唑一个月 今天嗓子疼 发烧38.5") == "urgent"


def test_red_urine_after_dragon_fruit_is_self_care_unless_it_hurts():
    assert _level("早上尿是红的 昨天吃了两个红心火龙果 现在淡了") == "self_care"
    assert _level("早上尿是红的 昨天吃了两个红心火龙果 腰也疼 发烧") in ("urgent", "routine")
    assert _level("早上尿是红的 昨天吃了两个红心火龙果 腰也疼 发烧") != "self_care"


def test_stroke_signs_that_came_and_went_yesterday_are_same_day_today_are_emergency():
    assert _level("我爸昨天下午突然左手没劲 拿不住杯子 二十分钟就好了 现在没事") == "urgent"
    assert _level("我爸今天早上突然左手没劲 拿不住杯子 十分钟就好了") == "emergency"
    assert _level("我爸昨天下午突然左手没劲 拿不住杯子 到现在还没好") == "emergency"


def test_a_prescription_to_renew_goes_to_the_doctor_even_with_a_good_reading():
    assert _level("降压药快吃完了 血压一直130/80 想再开一个月") == "routine"
    assert _level("血压一直130/80 没啥不舒服") == "self_care"


def test_a_chest_wall_strain_is_self_care_only_when_young_and_reproducible():
    assert _level("我25岁 昨天健身卧推练多了 今天胸口按着疼 一扭身就疼 不喘 不出汗") == "self_care"
    assert _level("我58岁 昨天搬东西 今天胸口按着疼 不喘 不出汗") != "self_care"


@pytest.mark.parametrize("text, level", [
    ("奶奶拉肚子两天 血压76/44 心跳120多 手冰凉", "emergency"),       # low pressure with a fast pulse: shock
    ("一站起来就眼前发黑 量了86/54 坐着就好", "urgent"),               # a blackout on standing alone: orthostatic
    ("打完农药回来 浑身冒汗 口水直流 瞳孔缩得很小", "emergency"),      # organophosphate
    ("66岁 挑水的时候下巴疼 还往左胳膊串 歇一会好点", "emergency"),     # jaw pain on exertion spreading to the arm
    ("孙子两岁 把他爷爷的降压药吃了两片 现在在玩", "emergency"),       # a toddler and an adult's medicine
    ("孩子有糖尿病 打了胰岛素 吃了饭 血糖8", "self_care"),             # own insulin is no poisoning; 8 after food is in range
])
def test_presentations_added_from_the_emergency_batch(text, level):
    assert _level(text) == level


@pytest.mark.parametrize("text", [
    "怀孕34周 头痛得厉害 眼前冒金星 量血压158/104",        # severe pre-eclampsia
    "吃华法林 摔了一跤磕到后脑勺 叫醒说两句又睡过去",      # head injury on an anticoagulant, drowsy
    "刚刚搬东西 突然头痛 一辈子没这么痛过 脖子硬",          # thunderclap with a stiff neck
])
def test_emergencies_added_from_the_last_batch(text):
    assert _level(text) == "emergency"


def test_a_hangover_or_a_drunk_who_answers_is_self_care_but_not_with_a_head_knock_or_unrousable():
    assert _level("昨晚喝多了 今早起来头疼 恶心 吐了一回 人清醒") == "self_care"
    assert _level("昨晚喝多了 回家路上摔了一跤磕到头 今早起来头疼 吐了一回") == "emergency"
    assert _level("老公刚喝多了 吐了两回 现在怎么拍都拍不醒") == "emergency"
    assert _level("老公喝多了 进门吐了两回 能说话 自己走去厕所") == "self_care"


@pytest.mark.parametrize("text, level", [
    ("孩子三岁 刚才吃葡萄呛了一下 到现在一直在咳 喉咙里呼噜呼噜的", "emergency"),   # a food still in the airway
    ("媳妇大姨妈晚了二十天 左边小肚子疼 刚才差点没晕过去", "emergency"),         # "差点没" is "almost"
    ("今天拉了两次大便 黑乎乎的跟柏油一样 站起来眼前一黑", "emergency"),
    ("突然心慌 数了下脉 一分钟一百八十好几 头晕", "emergency"),
    ("糖尿病 这两天老是睡 喊他能应一声又睡过去 血糖仪测了好几回都是HI", "emergency"),
    ("宝宝出生五十天 耳温38.3 吃奶还可以", "emergency"),
    ("宝宝四个月 每次吃完奶都吐一小口 体重长得挺好 不哭不闹", "self_care"),
    ("我爸六十七 胃里难受 吃了奥美拉唑也不管用 一脑门子汗 脸煞白", "emergency"),
])
def test_presentations_added_from_batch_b10(text, level):
    assert _level(text) == level


@pytest.mark.parametrize("text, level", [
    ("俺娘八十了 在茅房滑倒了 右边大胯疼 站不起来", "emergency"),          # a suspected hip fracture (major fracture, Ⅱ)
    ("在卫生室打吊瓶 刚打上几分钟 浑身发痒 心里发慌", "emergency"),          # skin and circulation after a drug
    ("医生我想问一下我老伴有房颤一直吃利伐沙班昨天头磕在水泥台上当时说不疼也没当回事今天早上起来吐了两回一直说困", "emergency"),
    ("我老汉儿下午右边眼睛突然看不到了 说像拉了块帘子 不痛不痒", "emergency"),
])
def test_presentations_added_from_batch_b9(text, level):
    assert _level(text) == level


@pytest.mark.parametrize("text, level", [
    ("老太太平时血压一百一左右 拉了两天肚子 今天起床头晕 量了88/52", "urgent"),
    ("宝宝五个月 发烧38.5 奶只吃了平时一半 尿还有", "urgent"),
    ("下楼梯崴脚了 脚脖子肿得跟馒头似的 一步都迈不了", "urgent"),
    ("骑电驴摔了 右手腕肿得老高 看着形状有点歪", "urgent"),
    ("吃鱼卡了根刺 一吞口水左边嗓子就扎得疼 喘气没问题", "urgent"),
])
def test_same_day_presentations_added_from_batch_b10(text, level):
    assert _level(text) == level


def test_a_fall_an_older_person_walks_away_from_is_not_an_emergency():
    assert _level("我妈82 摔了一跤 膝盖擦破了 能自己走") != "emergency"


def test_numbness_from_sleeping_on_an_arm_is_explained_only_once_it_has_passed_and_alone():
    assert _level("早上醒来左手麻 是压着睡的 甩了几下就好了 现在拿东西都正常") == "self_care"
    assert _level("早上醒来左手麻 是压着睡的 现在还麻") == "emergency"
    assert _level("早上醒来左手麻 是压着睡的 甩了几下就好了 嘴有点歪") == "emergency"


def test_a_severe_reaction_weeks_ago_that_passed_is_referred_not_sent_to_120():
    past = "上个月被马蜂蛰过一次 当时全身起疙瘩 还头晕 在医院打了针就好了 现在一点事都没有"
    assert _level(past) == "routine"
    assert _level("刚才被马蜂蛰了 全身起疙瘩 还头晕") == "emergency"


def test_a_normal_temperature_or_an_older_residents_reading_in_range_is_self_care():
    assert _level("娃36度9 算发烧不") == "self_care"
    assert _level("我妈78了有高血压一直吃药今天在家量的135/85这个数行不行") == "self_care"
    assert _level("我50岁有高血压 今天在家量的138/86") == "routine"


@pytest.mark.parametrize("text, kept", [
    ("在吃补铁的药 这几天大便发黑 不头晕 没乏力", "在吃补铁的药 这几天大便发黑 起来就头晕"),
    ("吃了冰西瓜肚子疼 拉完就好了 现在没事了", "吃了冰西瓜肚子疼 越来越疼 一直吐"),
    ("孩子从沙发上滚下来 额头起了个包 哭了两声就好了 没吐 玩得挺好", "孩子从沙发上滚下来 额头起了个包 吐了两次 老想睡"),
    ("吃了红心火龙果 第二天尿红红的 也不疼", "吃了红心火龙果 第二天尿红红的 腰疼 发烧"),
])
def test_minor_presentations_added_from_batch_b10_are_self_care_until_a_red_flag(text, kept):
    assert _level(text) == "self_care"
    assert _level(kept) in ("urgent", "emergency")


def test_teething_explains_drooling_gum_redness_and_a_slight_temperature_but_not_a_fever():
    teeth = "宝宝7个月 近几天口水多 爱咬东西 下牙床能看到白点 牙龈有点红肿 体温37.3 吃奶正常"
    assert _level(teeth) == "self_care"
    assert _level(teeth.replace("体温37.3", "体温38.6 拉肚子")) != "self_care"


def test_a_grandchild_taken_to_school_is_not_who_the_message_is_about():
    text = "早上忙着送孙子上学 降压药忘吃了 现在才想起来 刚量了136/84 没啥不舒服"
    assert _level(text) in ("self_care", "routine")


def test_sitting_up_to_breathe_since_a_few_days_with_swollen_legs_is_acute_heart_failure():
    assert _level("阿妈有高血压，呢两晚瞓唔落床，要坐起身先抖到气，对脚肿到成个馒头咁") == "emergency"
    assert _level("妈妈82岁 这两天腿肿得一按一个坑 晚上躺不平得坐着睡 今天喘得更厉害了") == "emergency"
    assert _level("晚上不能平躺，一躺下就憋醒，腿也肿") == "urgent"   # no time said: may be long-standing


@pytest.mark.parametrize("text, kept", [
    ("鼻子突然流鼻血 捏住鼻翼十分钟后止住了 以前偶尔也流过", "鼻子突然流鼻血 捏住十分钟止住了 最近经常流 一周好几次"),
    ("每年春天都会打喷嚏流清鼻涕眼睛痒 这几天又犯了 和往年一样 去年吃氯雷他定有效", "眼睛痒 看东西越来越模糊 两个礼拜了"),
])
def test_a_familiar_self_limiting_course_is_self_care_a_frequent_or_changing_one_is_reviewed(text, kept):
    assert _level(text) == "self_care"
    assert _level(kept) == "routine"


@pytest.mark.parametrize("explained, kept", [
    # Bell's palsy: the forehead too and an eye that will not close, nothing else (NICE CKS) ...
    ("今早起来左边脸木了 喝水从左边嘴角漏 眼睛闭不紧 额头也抬不起来 手脚都正常 说话清楚",
     "今早起来左边脸木了 喝水从左边嘴角漏 眼睛闭不紧 额头也抬不起来 左手也没劲"),
    # ... one magnet alone (NASPGHAN 2015) ...
    ("孩子吞了一颗冰箱贴上掉下来的小磁铁 确定就一颗 现在不哭不闹", "孩子吞了两颗小磁铁 现在不哭不闹"),
    # ... one vomit after a child's head knock is watched, three are scanned (NICE NG232) ...
    ("孩子一岁 从沙发上掉下来磕了头 哭了一会儿 吐了一次 现在在玩", "孩子一岁 从沙发上掉下来磕了头 吐了三次"),
    # ... a testicle swelling slowly with a fever and burning urine is epididymo-orchitis (NICE CKS) ...
    ("儿子17 这两天左边蛋蛋慢慢肿起来了 摸着疼 有点发烧 尿尿也疼", "儿子17 刚才左边蛋蛋突然剧痛 肿起来了 吐了一回"),
])
def test_named_rules_from_batch_b9_lower_an_emergency_to_same_day_only_without_their_risk_features(explained, kept):
    assert _level(explained) == "urgent"
    assert _level(kept) == "emergency"


def test_a_low_at_night_or_twice_in_a_week_is_reviewed_within_48_hours():
    assert _level("糖尿病打胰岛素 昨晚半夜饿醒一身汗 测了3.2 喝了糖水好了 这个礼拜第二回了") == "urgent"
    assert _level("糖尿病打胰岛素 上午测了3.5 吃了两块饼干 再测5.6 好了") == "routine"


def test_milk_brought_up_by_a_thriving_baby_is_possetting_not_vomiting():
    assert _level("宝宝两个月 吃完奶老吐一点奶 吐完还挺开心 体重涨得挺好") == "self_care"
    assert _level("宝宝两个月 吃完奶老吐 吐得像喷出来一样 体重不长") != "self_care"


@pytest.mark.parametrize("text", [
    "女44岁 吃避孕药 上周坐了16个小时的火车 这两天左小腿明显比右侧粗 按小腿肚更痛",
    "我爸糖尿病，左脚小趾头这几天发黑了，一圈红肿，摸着烫，有点臭味",
    "我是1型糖尿病打胰岛素的 试纸测尿酮体两个加号 血糖14.2 不吐不肚子疼",
])
def test_same_day_presentations_added_from_batch_b11(text):
    assert _level(text) == "urgent"


def test_ketones_with_vomiting_on_insulin_are_dka():
    assert _level("1型糖尿病打胰岛素 尿酮体两个加号 一直吐 肚子疼") == "emergency"


@pytest.mark.parametrize("text, minor", [
    ("打磨的时候铁屑崩眼睛里了 磨得疼 一直流眼泪", "眼睛进了点灰 揉了揉冲了冲 好了"),
    ("耳朵里钻进去个虫子 在里头扑腾 嗡嗡响", "耳朵有点痒 掏了掏"),
    ("孩子把一个一块钱硬币吞下去了 没咳没喘 吃东西也正常", "孩子把硬币放嘴里 被我抠出来了"),
    ("牙痛咗三日 今日半边面肿晒 个口都擘唔开 仲有啲发烧", "牙痛咗两日 冇发烧 面冇肿"),
    ("小孩头磕茶几角上了 额头开了个口子 两公分左右 血按住了", "小孩手指划了个小口子 两毫米 贴了创可贴"),
])
def test_same_day_presentations_added_from_batch_b10_and_their_minor_twins(text, minor):
    assert _level(text) == "urgent"
    assert _level(minor) in ("routine", "self_care")


def test_an_episode_that_is_over_is_self_care_but_denials_alone_or_a_wish_for_a_check_are_not():
    assert _level("我去年晕倒过一回 当时住院查了心电图 心脏彩超都没事 这一年多都好好的 还用再复查不") == "self_care"
    assert _level("我崽6岁 挖鼻屎挖出血了 捏了五分钟就止住了 精神好") == "self_care"
    assert _level("以前有过胸闷 现在没有了 是去年的事 想问要不要检查") == "routine"
    assert _level("45岁女 左乳无痛硬块一周 乳头无溢液") == "routine"


@pytest.mark.parametrize("text, kept", [
    ("宝宝八个月 昨天打完疫苗 晚上烧到38.2 今天精神挺好 吃奶正常", "宝宝八个月 昨天打完疫苗 今天烧到39.5 不吃奶 蔫蔫的"),
    ("孩子6岁 感冒后耳朵有点疼 低烧37.8 能吃能睡 耳朵没流水", "孩子6岁 耳朵疼了四天 耳朵流黄水 烧到38.5"),
    ("幼儿园说孩子手足口 3岁 手心脚心几个小泡泡 低烧37.8 吃饭还行", "孩子3岁 发烧38.5 身上起红疹子"),
])
def test_a_childs_fever_explained_by_a_vaccine_a_cold_in_the_ear_or_hand_foot_mouth_is_self_care(text, kept):
    assert _level(text) == "self_care"
    assert _level(kept) in ("routine", "urgent", "emergency")


@pytest.mark.parametrize("text, kept", [
    ("刚才倒开水烫到左前臂 大概一元硬币那么大一块发红 起了一个水泡 凉水冲过了", "开水烫到大腿 巴掌那么大 起了好几个大水泡"),
    ("两周前感冒了 现在鼻涕好了 就剩咳嗽 有一点白痰 不发烧", "感冒两周了 嗓子一直疼 鼻涕也没好 越来越重"),
    ("脚趾缝里痒得很 脱皮 白白的 天气热就严重 没有红肿", "脚趾缝里痒 这几天红肿越来越大 发烧"),
])
def test_minor_presentations_added_from_round_three_leftovers_are_self_care(text, kept):
    assert _level(text) == "self_care"
    assert _level(kept) != "self_care"


@pytest.mark.parametrize("text", [
    "冠心病好几年了，以前心口疼含一片硝酸甘油几分钟就好，今天下午又疼，含了两片还是疼，往下巴那里串",
    "怀孕34周了 肚子一阵一阵发紧 下面出血 比来月经量还多",
    "哮喘又犯了 万托林连着喷了三次都不顶用 说话一个字一个字往外蹦",
    "我儿在工地上被钢筋砸了腿 小腿都变形了 骨头露在外面",
    "我老公吃华法林，下午绊了一跤撞到头，晚饭后说头越来越疼，刚才吐了一次",
])
def test_emergencies_added_from_batch_b12(text):
    assert _level(text) == "emergency"


def test_a_recent_red_flag_episode_is_not_reassured_away_without_a_normal_check():
    assert _level("前几天晕倒过一回 现在好了") != "self_care"
    assert _level("五年前得过一回面瘫 早就好利索了 现在夏天能不能吹空调") == "self_care"


def test_a_stroke_is_not_dated_by_the_years_of_high_blood_pressure_before_it():
    text = ("72岁男性，高血压十几年。今天早上吃早饭时，筷子突然从右手掉下去，再拿也拿不稳，说话含含糊糊，"
            "右边嘴角往下耷拉。从发现到现在大概四十分钟。他自己说躺一会儿就好了")
    assert _level(text) == "emergency"


def test_a_child_with_a_noisy_throat_at_rest_and_drooling_is_an_emergency():
    assert _level("3岁娃 嗓子呼呼响 安静坐着也响 流口水 不肯躺") == "emergency"


@pytest.mark.parametrize("text", [
    "我爸吃利伐沙班的 早上厕所里滑了一下 后脑勺起个包 人清醒 没吐",
    "左腰一阵一阵绞着疼 以前有过结石 吃了布洛芬能压住 过几个钟头又来 尿有点红",
    "右耳突然聋了 两天了",
    "宝宝8个月 拉肚子两天了 今天拉了七八次水样的 尿布比平时干得多 眼窝看着有点凹 给水喝得很急",
])
def test_same_day_presentations_added_from_batch_b12(text):
    assert _level(text) == "urgent"


def test_vignettes_added_from_batch_b13():
    assert _level("女39岁 这几天下午头两边像被箍住一样胀痛 后脖子发紧 睡一觉能好 不吐 不发烧 不是突然的剧痛 "
                  "以前也这样过") == "self_care"
    assert _level("今天早上量血压192/112 休息十五分钟再量188/110 头不痛不晕 今天的药已经吃了") == "urgent"
    assert _level("在村口被一条不认识的流浪狗咬了左手 咬穿了皮 血止住了 以前从没打过狂犬疫苗") == "urgent"
    assert _level("怀孕35周 今天从早上到晚上只觉得动了两三下 吃了东西左侧躺着数了一个钟头也没怎么动") == "urgent"


@pytest.mark.parametrize("text", ["我爸高血压十几年 嘴歪了 说话不清", "糖尿病二十年了 右边手脚突然没劲"])
def test_years_of_a_condition_never_make_todays_stroke_signs_old(text):
    assert _level(text) == "emergency"


def test_a_diabetics_temperature_is_read_and_a_foot_infection_with_low_pressure_is_sepsis():
    text = "我爸糖尿病 前天脚上扎了个刺 今天整只脚红肿到小腿 发冷打摆子 体温39.6 血压量了86/50 平时都一百四"
    assert _level(text) == "emergency"


def test_bouts_of_crying_with_jelly_stool_in_a_baby_is_intussusception_and_loose_stool_is_not_blood():
    assert _level("8个月宝宝一阵阵哭闹蜷腿 拉了果酱样血便 还吐奶") == "emergency"
    assert _level("娃儿一岁十个月 屙稀两天 精神好 能吃能喝 尿也正常") != "emergency"


def test_a_high_fever_or_rigors_in_a_diabetic_is_same_day_a_mild_cold_is_not():
    assert _level("我有糖尿病 今天发烧39度 浑身发抖") == "urgent"
    assert _level("我有糖尿病 今天发烧37.8 嗓子疼 流鼻涕") != "urgent"


@pytest.mark.parametrize("question, with_a_symptom", [
    ("老伴有糖尿病 想问问柚子能不能吃", "老伴有糖尿病 想问问柚子能不能吃 这两天老是口渴 瘦了好几斤"),
    ("阿莫西林吃完第二天 可以喝酒不", "阿莫西林吃完第二天 可以喝酒不 身上起了好多红疙瘩 嗓子发紧"),
    ("昨晚的二甲双胍漏吃了 今早要补吗", "昨晚的二甲双胍漏吃了 今早要补吗 现在手抖出冷汗 说话有点不利索"),
])
def test_a_medicine_or_diet_question_without_a_symptom_is_self_care_a_symptom_is_triaged(question, with_a_symptom):
    assert _level(question) == "self_care"
    assert _level(with_a_symptom) in ("emergency", "urgent", "routine")


def test_an_unrecognised_message_stays_routine_even_as_a_question():
    assert _level("甲状腺结节三级 要紧吗") == "routine"


@pytest.mark.parametrize("harmless, kept, kept_level", [
    ("小孙子把饼干盒里的干燥剂撕开吃了两三粒 包装上印着硅胶 人精神得很",
     "小孙子把饼干盒里的干燥剂撕开吃了两三粒 包装上印着硅胶 吐了一次 咳个不停", "urgent"),
    ("三岁闺女偷吃了一小口牙膏 要不要紧", "三岁闺女把一整管牙膏都吃光了", "urgent"),
    ("娃把橡皮泥塞嘴里咽下去一小块 要不要抠喉咙", "娃把石灰干燥剂塞嘴里了 嘴唇发白", "emergency"),
])
def test_a_named_non_toxic_swallow_is_self_care_without_symptoms_a_large_amount_or_quicklime(harmless, kept,
                                                                                             kept_level):
    assert _level(harmless) == "self_care"
    assert _level(kept) == kept_level


def test_tearing_open_a_packet_or_a_torn_wound_is_not_a_tearing_pain():
    assert _level("手指被铁皮划了个撕裂伤 流了点血 已经止住了") != "emergency"
    assert _level("拿牙把零食袋撕开了 牙有点酸") != "emergency"
    assert _level("胸口像撕开一样疼 窜到后背") == "emergency"


def test_not_remembering_whether_a_dose_was_taken_is_no_amnesia_forgetting_the_fall_is():
    assert _level("药盒里的降糖药好像多了一片 记不清中午吃没吃 要补吗") == "self_care"
    assert _level("我妈摔倒磕了后脑勺 不记得刚才怎么摔的") in ("emergency", "urgent")


def test_no_fetal_movement_at_all_is_an_emergency_fewer_movements_are_same_day():
    """RCOG GTG57: no movement felt is assessed at once; fewer movements than usual the same day."""
    assert _level("怀孕34周 从昨天半夜到现在娃一下都没动 拍肚子也没反应") == "emergency"
    assert _level("怀孕34周 今天娃动得比平时少 下午到现在动了三四下") == "urgent"


def test_a_sleeping_pill_and_someone_who_cannot_be_roused_properly_is_an_overdose():
    assert _level("老伴睡前吃了阿普唑仑 早上九点了还喊不太醒 打呼噜") == "emergency"
    assert _level("吃了阿普唑仑睡得挺好 早上按时醒的 就是有点口干") != "emergency"


def test_digoxin_with_yellow_vision_or_sickness_and_a_slow_pulse_is_toxicity():
    assert _level("老头子吃地高辛 这几天说看电视都是黄黄的 不想吃饭") == "emergency"
    assert _level("我妈吃着地高辛 今天吐了两回 心跳慢 一分钟五十") == "emergency"
    assert _level("我妈吃着地高辛 心跳七十多 就是想问问能不能吃柚子") != "emergency"


@pytest.mark.parametrize("text, level", [
    ("磨刀的时候铁渣子蹦进右眼了 一直流泪 眨眼就磨得慌", "urgent"),      # a fragment, not a chemical
    ("熬猪油的时候油点子溅到眼里了 眼睛通红 火辣辣地疼", "urgent"),        # an unnamed splash that hurts
    ("刷厕所的洁厕灵溅到眼里了 辣得睁不开", "emergency"),                  # a named chemical
    ("喷农药的时候药水溅进眼睛 冲过了 还是红", "emergency"),
])
def test_something_in_the_eye_is_a_chemical_injury_only_when_a_chemical_is_named(text, level):
    assert _level(text) == level


def test_a_low_glucose_treated_and_measured_again_minutes_later_is_the_value_after_treatment():
    assert _level("糖尿病 测血糖2.7 心慌出汗 喝了一罐可乐 二十分钟后测5.9 人清醒") == "urgent"
    assert _level("糖尿病 测血糖2.7 心慌出汗 喝了一罐可乐 二十分钟后测2.9 人发懵") == "emergency"


def test_a_diabetic_toe_rubbed_by_a_shoe_that_smells_is_an_infected_foot_not_gout():
    assert _level("糖尿病 左脚小脚趾前几天穿了双紧鞋磨破了 现在有一股臭味 周围也红了") == "urgent"
    assert _level("左脚大脚趾头半夜突然红肿 疼得盖不了被子 以前犯过痛风") in ("routine", "urgent")


def test_shingles_at_fifty_or_over_within_three_days_or_near_the_eye_is_same_day():
    """NICE CKS shingles: antivirals within 72 hours at 50 or over; ophthalmic shingles is seen the same day."""
    assert _level("我62岁 前天开始右边后背一串水泡 像火烧一样疼") == "urgent"
    assert _level("我62岁 右边后背一串水泡 三个礼拜了 早结痂了 还有点疼") == "routine"
    assert _level("我32岁 前天开始右边后背一串水泡 像火烧一样疼") == "routine"
    assert _level("左边额头到眼皮起了一串小水泡 眼睛也红了") == "urgent"


def test_breath_pauses_that_keep_coming_in_a_snorers_sleep_are_sleep_apnoea_a_sudden_stop_is_not():
    """NICE NG202: snoring with witnessed pauses and daytime sleepiness is referred; agonal breathing can sound
    like snoring, so one sudden stop is still an emergency."""
    assert _level("我家老头睡觉打鼾 隔一会就憋住不出气 白天看电视就睡着") == "routine"
    assert _level("我家老头睡觉打鼾 刚才突然不出气了 脸色发灰") == "emergency"


@pytest.mark.parametrize("text", [
    "自从开始吃缬沙坦 老是头有点晕乎 能不能换个药",
    "吃了二甲双胍以后肚子老是胀 放屁多 想换别的药",
    "美托洛尔吃了半个月 人没劲 手脚发凉 要不要减量",
])
def test_a_symptom_put_down_to_a_regular_medicine_is_reviewed_not_self_care(text):
    assert _level(text) == "routine"


def test_a_new_rash_on_allopurinol_is_same_day_a_new_rash_alone_is_not():
    assert _level("吃别嘌醇十来天 身上起了一片红疹子 痒") == "urgent"
    assert _level("身上起了一片红疹子 痒 没吃什么药") in ("self_care", "routine")



def test_boxes_of_medicine_over_a_course_that_failed_are_no_overdose_unless_drowsy():
    assert _level("咳嗽二十多天了 吃了好几盒消炎药都没好 晚上咳得睡不着") != "emergency"
    assert _level("咳嗽二十多天了 吃了好几盒消炎药都没好 今天人迷迷糊糊叫不太醒") == "emergency"
    assert _level("他一下吃了好几盒安眠药") == "emergency"


def test_lumps_under_the_skin_of_the_belly_are_no_rigid_abdomen():
    assert _level("打胰岛素的肚皮上摸到几个硬块 不疼") != "emergency"
    assert _level("肚子硬得像木板 疼得直不起腰") == "emergency"


def test_a_stroke_told_in_cantonese_is_an_emergency():
    assert _level("阿嫲块面歪咗 右手举唔起 讲嘢唔清楚 半个钟头前开始") == "emergency"


def test_what_the_writer_thought_it_was_is_not_asserted():
    assert _level("孩子发烧39度 刚才冷得直打哆嗦 我还以为是抽风 其实一直清醒 还在说话") != "emergency"
    assert _level("还以为是胃疼 结果越来越厉害 胸口压着疼 出冷汗") == "emergency"


@pytest.mark.parametrize("text, level", [
    ("安眠药我已经攒了一瓶了 给儿子的信也写好了 就想问问吃多少能睡过去", "emergency"),   # a suicide plan
    ("我妈八十一 肚子疼了半天 摸着梆硬 一碰就叫 冒冷汗", "emergency"),                    # a board-like belly
    ("老爷子三天没解大便也不放屁 肚子胀得老高 吐了两回", "emergency"),                   # complete obstruction
    ("刚满月的宝宝吐了两回绿水 肚子有点鼓", "emergency"),                               # bilious vomiting, one month
    ("孩子一岁 一阵一阵的哭 拉的便便像果酱一样", "emergency"),                           # intussusception
    ("怀孕34周 从早上到晚上一整天都没感觉到宝宝动", "emergency"),                       # no movement all day
    ("我爸有高血压 刚量了一百九十六、一百一十二 说看东西模糊", "emergency"),               # BP-E1, said with a 、
    ("爷爷七十九了 下楼摔了一跤 胯骨疼 还能扶着走", "urgent"),                          # occult hip fracture
    ("糖尿病 大脚趾头破了一个多礼拜 发黑了", "urgent"),                                # a toe, no head injury
])
def test_presentations_added_from_batch_b14(text, level):
    assert _level(text) == level


@pytest.mark.parametrize("text", [
    "我奶奶七十多了 手指关节早上起来硬邦邦的 不红不肿",     # stiff fingers are no rigid belly
    "怀孕30周 肚子偶尔发硬一会儿 不疼 没见红",              # Braxton Hicks
    "三天没拉了 肚子有点胀 放屁正常 吃饭也行",               # constipation with wind passing
    "我28岁 打篮球摔了一下 胯有点疼 走路没事",              # a young hip
])
def test_look_alikes_from_batch_b14_are_not_emergencies(text):
    assert _level(text) not in ("emergency",)


@pytest.mark.parametrize("text, level", [
    ("右眼突然好多小黑点在飘 还一闪一闪的有亮光", "urgent"),                     # flashes and floaters
    ("腿上蚊子包挠破了 红肿一大片摸着烫 比昨天往上走了一截 人有点发冷", "urgent"),  # cellulitis with chills
    ("男70 血压80/50(平素150/90) 头晕 表情淡漠", "emergency"),                  # a usual value in brackets
    ("高血压 连量三回都是一百八十二 一百一十上下 没啥不舒服", "urgent"),          # BP-U1 said in numerals
])
def test_presentations_added_from_batch_b16(text, level):
    assert _level(text) == level


@pytest.mark.parametrize("in_range, above", [
    ("糖尿病 饭后两个钟头测的血糖8.6 算高吗", "糖尿病 饭后两个钟头测的血糖13.6 算高吗"),
    ("餐后两小时9.4正常不", "餐后两小时12.4正常不"),
])
def test_an_after_meal_glucose_said_any_way_is_judged_against_the_after_meal_target(in_range, above):
    """中国2型糖尿病防治指南 2020: non-fasting target < 10.0 mmol/L."""
    assert _level(in_range) == "self_care"
    assert _level(above) == "routine"


def test_a_hangover_explains_the_dry_mouth_too_but_not_a_thirst_that_lasts():
    assert _level("昨晚喝大了 今早头疼口干 人清醒 走路正常") == "self_care"
    assert _level("这半个月老口渴 喝水多 尿也多") == "routine"


# Every self-care answer that comes from named explained evidence or a reassurance protocol (this list: one message
# per rule) must give way when a red flag is added to the same message: a red flag is never downgraded.
_REASSURED = [
    "女儿出生第六天 尿布上有一点点粉红色的血 吃奶好 不发烧",                 # newborn pseudo-menstruation
    "孩子8个月 前天打的疫苗 打针的地方有个小硬块 不红不烫",                   # a vaccine's local reaction
    "儿子一岁半 烧了三天 今天烧退了 身上冒出小红疹 压一下会褪色",             # roseola
    "我妈78了 手背上老是一块块青紫 轻轻一碰就有 没吃抗凝药",                  # senile purpura
    "早上降压药忘吃了 下午量了一下145/88",                                    # a missed dose
    "早上二甲双胍多吃了一片 人没啥不舒服",                                    # one extra wide-margin dose
    "喂奶期间乳房有个硬块 有点痛 皮肤不红",                                   # a blocked duct
    "邻居家的狗舔了孩子的手 皮肤没破",                                       # rabies category I
    "吃了过期三天的面包 到现在没啥感觉",                                      # food past its date
    "宝宝一个月 头顶那块软的一跳一跳的",                                      # normal newborn finding
    "怀孕17周 头胎 还没感觉到胎动",                                          # quickening not yet
    "量血压左手和右手差了8个 正常吗",                                         # a measuring question
    "明天面试 今晚心里咚咚跳 量了心率90 胸口不疼",                            # nerves
    "早上起来落枕了 脖子转不过来",                                            # torticollis
]
_RED_FLAGS = ["，刚才突然说话不清楚 右手抬不起来", "，现在喘不上气 嘴唇发紫", "，叫不醒了",
              "，吐了一大口血"]


@pytest.mark.parametrize("text", _REASSURED)
def test_reassurance_gives_way_to_any_red_flag(text):
    assert _level(text) == "self_care", text
    for flag in _RED_FLAGS:
        assert _level(text + flag) == "emergency", text + flag


@pytest.mark.parametrize("text, level", [
    ("早上降压药和二甲双胍都忘吃了 血压135/85 血糖19.5", "urgent"),   # the glucose still needs a call (≥ 16.7)
    ("降压药忘吃了 量了85/50 没啥感觉", "routine"),                  # a low pressure is no missed dose
])
def test_a_missed_dose_explains_only_when_every_value_is_within_its_limits(text, level):
    assert _level(text) == level


def test_roseola_does_not_explain_a_fever_that_came_back():
    assert _level("儿子一岁半 烧了三天 今天烧退了 出了小红疹 压一下会褪色 现在又烧到40度") != "self_care"
