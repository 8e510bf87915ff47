"""Concepts that generalise across wordings: dialect negators, values written the way residents write
them, ages without a unit, and concept families described by their effect. Each example is one member
of a family (the lexicon row or reader rule covers the family, not this sentence)."""
from __future__ import annotations

import pytest

from app.language import read
from app.language.numbers import parse_numbers, to_number


def _value(text: str, code: str) -> float | None:
    f = next((f for f in read(text).findings if f.code == code and f.value), None)
    return f.value.value if f else None


# --- negation in the dialects: 冇 (Cantonese, Hakka), 唔 (Cantonese), 勿 (Wu), 莫得/没得 (South-west) ----------
@pytest.mark.parametrize("text, code", [
    ("细路冇发烧", "fever"), ("佢唔咳", "cough"), ("头勿痛", "headache"), ("肚皮勿痛", "abdominal_pain"),
    ("莫得发烧", "fever"), ("没得咳嗽", "cough"),
])
def test_a_dialect_negator_denies_what_follows(text, code):
    r = read(text)
    assert r.denied(code) and not r.present(code), sorted(r.positive)


def test_a_dialect_negator_inside_a_term_stays_positive():
    assert read("我冇力").present("fatigue")


@pytest.mark.parametrize("text, code", [("出门没走多远就头晕", "dizziness"), ("没过多久又开始咳嗽", "cough")])
def test_not_long_after_is_no_negation(text, code):
    assert read(text).present(code)


# --- values -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("s, v", [("三十七八", 37.5), ("一百五六", 155), ("二十一二", 21.5), ("七八", 7.5), ("五六", 5.5)])
def test_two_neighbouring_digits_mean_about(s, v):
    assert to_number(s) == pytest.approx(v)


def test_a_pulse_said_approximately_is_a_pulse():
    assert parse_numbers("心率只有四十五六下").pulse == pytest.approx(45.5)


@pytest.mark.parametrize("text, value", [("静坐心率一直120多", 125), ("心跳一分钟四十多下", 45), ("心率118", 118)])
def test_a_round_pulse_and_some_more_lies_inside_its_decade(text, value):
    assert parse_numbers(text).pulse == pytest.approx(value)


@pytest.mark.parametrize("text, value", [
    ("有糖尿病 饭后测了十六点二", 16.2),   # a Chinese decimal after a diabetes word
    ("血糖 前天测了6.1", 6.1),             # a duration between is no other measure
])
def test_a_glucose_value_is_bound_across_time_words(text, value):
    assert _value(text, "glucose") == pytest.approx(value)


def test_a_duration_after_a_glucose_word_is_no_glucose():
    assert parse_numbers("血糖三天没测了").glucose is None


@pytest.mark.parametrize("text", ["耳温枪一测37.9", "孩子夹表量了38.6", "体温计显示39.1"])
def test_a_thermometer_decimal_is_a_temperature(text):
    assert 37 < (parse_numbers(text).temperature or 0) < 40


def test_a_decimal_after_a_glucose_word_stays_glucose():
    n = parse_numbers("血糖仪测了38.5")
    assert n.temperature is None


# --- who and how old ------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, relation, age", [
    ("俺娘八十三 这几天不吃饭", "娘", 83), ("我老豆66 胸口闷", "老豆", 66), ("俺哥五十一 腰疼", "哥", 51),
])
def test_an_age_written_bare_after_the_relative(text, relation, age):
    s = read(text).subject
    assert (s.relation, s.age_years) == (relation, age)


def test_an_age_written_bare_after_me():
    s = read("我71 头晕").subject
    assert not s.other and s.age_years == 71


@pytest.mark.parametrize("text", ["我血压150", "我2天没拉了", "我儿子两岁半"])
def test_a_measure_or_a_unit_is_no_bare_age(text):
    age = read(text).subject.age_years
    assert age is None or age == 2.5


def test_an_infant_age_in_weeks():
    s = read("BB五个礼拜 发烧").subject
    assert s.child and s.age_years == pytest.approx(5 / 52)


def test_weeks_that_count_something_else_are_no_age():
    assert read("宝宝两个星期没拉屎").subject.age_years is None


# --- families of concepts -----------------------------------------------------------------------------
@pytest.mark.parametrize("text, code", [
    ("说的话一句也听不懂", "speech"), ("问他话答得牛头不对马嘴", "speech"),
    ("看东西只剩一半", "vision_loss"), ("行路往一边偏", "ataxia"),
    ("在地上抽了五分钟还不停", "seizure"), ("嘴里吐白沫", "seizure"), ("刚才抽了一阵", "seizure"),
    ("把一整瓶安眠药吃了", "poison_ingestion"), ("偷偷攒了一堆药", "poison_ingestion"),
    ("孩子把药片当糖豆吃了", "poison_ingestion"), ("药瓶里少了好几片", "poison_ingestion"),
    ("吞了一颗磁力珠", "battery_magnet"),
    ("讲话像嘴里含着东西", "voice_change"), ("咽口水都困难", "dysphagia"), ("舌头肿得老大", "tongue_swelling"),
    ("尿都解不出", "urinary_retention"), ("屁股周围木木的", "saddle_anaesthesia"),
    ("下面突然流了好多水", "rom"), ("这两天胎动明显少", "reduced_fetal_movement"),
    ("红的范围越来越大", "spreading"), ("开水泼到脚背上", "burn"), ("伤口好深", "deep_wound"),
    ("嚼东西腮帮子累", "jaw_claudication"), ("晒了一天脖子晒得发红", "sunburn"),
    ("背脊中间痛", "back_pain"), ("晕低咗", "syncope"), ("山上捡的菌子", "poison_ingestion"),
    ("痰是黄绿色的", "purulent_sputum"), ("比平常喘得厉害", "worsening"), ("手上生了冻疮", "chilblain"),
    ("尿不湿那块红了", "minor_skin"), ("屙咗几次烂屎", "diarrhoea"), ("吃火锅吃太辣了", "dietary_trigger"),
    ("喊她就哼一声", "unresponsive"), ("叫他眼睛也不睁", "unresponsive"), ("看人都成俩了", "diplopia"),
    ("右边眼睛突然看不到了", "vision_loss"), ("像拉了块帘子", "vision_loss"), ("吐的是绿的", "bilious"),
    ("屋里生着炉子", "co_exposure"), ("胸口连着后背撕着疼", "tearing_pain"), ("突然不认字了", "speech"),
    ("三板对乙酰氨基酚的空壳", "poison_ingestion"), ("推她也不太醒", "drowsy"), ("掐她一下只哼一声", "unresponsive"),
    ("今晚想一次吃完", "suicidal"), ("右脚往外撇着", "deformity"), ("打罢药回来", "pesticide_exposure"),
    ("喝了一口百草哭", "poison_ingestion"), ("左边胳脖抬不起来了", "unilateral_weakness"),
    ("一上午都没咋感觉到胎动", "reduced_fetal_movement"), ("一步都迈不了", "cant_bear_weight"),
    ("手腕看着形状有点歪", "deformity"), ("吃鱼卡了根刺", "fishbone"), ("早上醒来左手麻 是压着睡的", "compression"),
    ("症状和往年一样", "familiar_course"), ("以前熬夜后也长过 一周左右自己好", "familiar_course"),
])
def test_a_family_member_reads_as_its_concept(text, code):
    assert read(text).present(code), f"{text} -> {sorted(read(text).positive)}"


@pytest.mark.parametrize("text, code", [
    ("看东西发黑", "gangrene"),              # a blackout of vision, not dead tissue
    ("身上好几块青紫", "cyanosis"),          # bruises, not a blue face
    ("站着做饭突然晕倒", "ataxia"),          # standing is not unsteadiness
    ("拉的时候脸憋得通红", "dyspnoea"),      # straining, not breathlessness
    ("心慌一阵一阵的", "worsening"),
    ("眼睛进沙子了 睁不开", "unresponsive"), ("看病是两个人去的", "diplopia"),
    ("站了一天脚有点肿 睡一觉就好了", "familiar_course"),   # today's episode resolved, not a familiar course  # an eye that will not open, not a person who will not wake
])
def test_a_look_alike_is_not_the_concept(text, code):
    assert not read(text).present(code), f"{text} -> {sorted(read(text).positive)}"


def test_a_carried_site_takes_no_quality_word_out_of_another_term():
    r = read("胸口不闷 就是降压药昨天忘了吃")
    assert r.denied("chest_tightness") and not r.present("chest_tightness")


def test_a_conditional_denial_confirms_pleuritic_pain():
    assert read("胸口一吸气就痛 不吸气就不痛").present("pleuritic")


# --- overdose by quantity, never by an ordinary word about medicine ---------------------------------
@pytest.mark.parametrize("text", [
    "把一整盒对乙酰氨基酚吃了", "已经储咗几排安眠药", "药板上少了四颗", "发现垃圾桶里两个空药板",
    "孩子吞了好几颗药", "从药盒里翻出格列本脲 吃了几片不知道", "喝了半瓶敌敌畏",
])
def test_an_overdose_described_by_quantity_or_discovery(text):
    assert read(text).present("poison_ingestion")


@pytest.mark.parametrize("text", [
    "降压药一盒吃一个月", "两盒降压药都吃完了 想再开点", "药瓶空了 要去卫生院拿药", "这个药一次吃几片",
    "昨天吃了几片降压药 血压还是高", "医生让我降压药少了一片", "家里囤了些感冒药", "一口气喝了一瓶水",
    "把空药瓶带去卫生院 照着开", "一整瓶降压药吃完了要开药", "孩子吃了一片退烧药 还是烧",
    "我从药箱里拿出降压药吃了一片",
])
def test_ordinary_words_about_medicine_are_no_overdose(text):
    assert not read(text).present("poison_ingestion"), text


@pytest.mark.parametrize("text, count", [
    ("刚才一下吃了15片安眠药", 15), ("故意吞了20片对乙酰氨基酚", 20), ("我爸一次吞了三十片降压药", 30),
    ("每天吃一片降压药 刚才一下吃了15片安眠药", 15), ("吃了十几粒布洛芬", 15),
])
def test_tablets_swallowed_in_one_go_are_counted(text, count):
    assert parse_numbers(text).tablets_at_once == count


@pytest.mark.parametrize("text", [
    "这个月吃了三十片降压药 还剩一盒", "每次吃两片 一天三次", "一共吃了二十片 还有十片", "这盒药有二十片",
    "三天吃了十二片止痛药", "降压药每天吃1片",
])
def test_tablets_over_a_period_or_in_a_box_are_no_intake(text):
    assert (parse_numbers(text).tablets_at_once or 0) < 10, text


@pytest.mark.parametrize("text, code", [
    ("腿抽筋抽了一下 揉揉就好", "seizure"), ("抽了一下午的烟", "seizure"), ("我问他话他不理我 在生气", "unresponsive"),
    ("最近不想活动 懒得动", "suicidal"), ("写了封信给医生", "suicidal"), ("坐久了屁股麻", "saddle_anaesthesia"),
])
def test_an_everyday_phrase_that_looks_like_a_red_flag_is_not_one(text, code):
    assert not read(text).present(code)


@pytest.mark.parametrize("text, code", [("听说药吃多了伤肾", "poison_ingestion"), ("听人说胸口疼就是心梗", "chest_pain")])
def test_hearsay_is_not_the_residents_finding(text, code):
    assert not read(text).present(code)


def test_two_numbers_after_measuring_in_a_message_about_blood_pressure():
    n = parse_numbers("产检说血压有点高 今天自己在家量 148 96")
    assert (n.systolic, n.diastolic) == (148, 96)
    assert parse_numbers("今天量了 36 5 次").systolic is None


@pytest.mark.parametrize("text, systolic", [
    ("老太太平时血压一百一左右 今天起床头晕 量了88/52", 88), ("平时150/90 今天88/52", 88), ("血压150/90", 150),
])
def test_the_usual_blood_pressure_is_a_baseline_not_todays_reading(text, systolic):
    assert parse_numbers(text).systolic == systolic


def test_a_relative_taken_to_school_is_context_not_the_subject():
    assert not read("早上忙着送孙子上学 降压药忘吃了").subject.other
    assert read("孙子上学回来就发烧").subject.other


@pytest.mark.parametrize("text, bp", [
    ("量了三遍第一遍148/90第二遍133/82第三遍130/80以哪个为准", (130, 80)),
    ("刚抽了根烟喝了杯咖啡 量出来150/92 歇了半小时再量132/82", (132, 82)),
    ("血压190/120 再量185/115", (185, 115)),
])
def test_a_blood_pressure_measured_again_after_rest_is_the_reading(text, bp):
    n = parse_numbers(text)
    assert (n.systolic, n.diastolic) == bp


def test_a_glucose_read_again_replaces_the_misread_one_and_an_after_meal_value_in_range_is_kept_apart():
    assert parse_numbers("血糖测出来55.5吓我一跳 仔细一看是5.55").glucose == 5.55
    n = parse_numbers("餐后测了9.6")
    assert (n.glucose, n.glucose_after_meal) == (None, 9.6)


def test_a_named_temperature_is_read_even_in_a_diabetics_message():
    assert parse_numbers("我爸糖尿病 体温39.6 血压量了86/50").temperature == 39.6
    assert parse_numbers("血糖 测了 7.8").temperature is None


@pytest.mark.parametrize("text, sbp, dbp", [
    ("高血压 早上量了一下一百七十六一百零五 歇了会第二遍一百七十二一百零二", 172, 102),   # voice input, a series
    ("我妈血压突然掉到八十多五十多 手脚冰凉", 80, 50),
])
def test_a_pressure_said_as_a_run_of_numerals_is_read_the_last_of_a_series_counts(text, sbp, dbp):
    n = parse_numbers(text)
    assert (n.systolic, n.diastolic) == (sbp, dbp)


@pytest.mark.parametrize("text", ["空腹一般六点几 最近两三个月脚麻", "血糖一直还行 空腹一下子说不准"])
def test_yiban_or_yixia_after_a_glucose_word_is_no_glucose_of_one(text):
    assert parse_numbers(text).glucose is None


@pytest.mark.parametrize("text, bp", [
    ("这周每天早上量都在125到130，80左右", (130, 80)),
    ("量血压都在125到132、76到80之间", (132, 80)),
])
def test_a_weeks_readings_as_two_ranges_are_read_at_their_upper_ends(text, bp):
    n = parse_numbers(text)
    assert (n.systolic, n.diastolic) == bp


@pytest.mark.parametrize("text", ["发烧三到五天，38到39度", "一天吃3到4次 每次2片", "孩子3到4岁"])
def test_ranges_of_other_things_are_no_blood_pressure(text):
    assert parse_numbers(text).systolic is None


@pytest.mark.parametrize("text, count", [("数了呼吸一分钟55下左右", 55), ("喘得好快 我数了一分钟七十几下", 75)])
def test_breaths_counted_in_words_are_a_respiratory_rate(text, count):
    assert parse_numbers(text).resp_rate == count
    assert parse_numbers("心跳一分钟120下").resp_rate is None


# --- a writer who introduces themselves, then writes about someone else ---------------------------------------
@pytest.mark.parametrize("text, child, age", [
    ("我32岁，女。宝宝两个月大，今天量了体温38.3", True, 2 / 12),     # the baby's own age
    ("我28岁。8个月宝宝发烧 吃奶少", True, 8 / 12),                  # the age told before the child
    ("我32岁，女。出生第三天，两只眼睛肿得睁不开", True, 3 / 365),     # a day-old age is never the writer's
    ("我32岁，女。我妈73了 肚子一直隐隐地痛", False, 73),            # the mother's bare age
    ("我32岁，女。奶奶在家摔了一跤，胯骨疼", False, 80),               # opens its own sentence: the default age
])
def test_a_relative_told_about_after_the_writers_introduction_is_the_subject(text, child, age):
    s = read(text).subject
    assert s.other and s.child is child and s.age_years == pytest.approx(age, abs=0.01)


def test_a_relative_mentioned_for_comparison_is_context():
    s = read("我38岁，女，平时身体好。前天开始流清鼻涕。家里孩子上周也是这样，三四天就好了").subject
    assert not s.other and s.age_years == 38


@pytest.mark.parametrize("text, relation", [
    ("我是他孙子 在外地读大学 我爷爷八十三了 发烧39度", "爷爷"),
    ("我是孩子妈妈 儿子7岁 骑车摔了", "儿子"),
])
def test_the_writer_saying_who_they_are_is_not_the_subject(text, relation):
    assert read(text).subject.relation == relation


def test_a_toe_is_no_head():
    assert "head_injury" not in read("脚趾头上破了个口子").positive


def test_the_relative_with_an_age_of_their_own_is_the_subject_wherever_told():
    s = read("下午摸着有点热 耳温38.2 月嫂说小孩发烧正常 宝宝两个月零十天").subject
    assert s.relation == "宝宝" and s.age_years == pytest.approx(2 / 12, abs=0.05)


# --- sound-alike slips of the input method or voice input (app/language/sounds.py) -------------------------------
@pytest.mark.parametrize("text, code", [
    ("胸口腾，出冷汗", "chest_pain"), ("拉杜子三天了", "diarrhoea"), ("二甲双瓜吃了三年", "cond_diabetes"),
    ("我爸吃华发林的", "cond_anticoagulants"), ("硝酸干油含了两片", "nitro"), ("穿不上气", "dyspnoea"),
])
def test_a_term_typed_with_one_character_of_the_same_sound_is_read(text, code):
    assert read(text).present(code), sorted(read(text).positive)


@pytest.mark.parametrize("text, code", [
    ("头发少了", "fever"),          # 发少 crosses the word 头发
    ("饭吃得有点少", "fever"),      # 有点少: one content character, too few to trust
    ("脸不肿", "face_swelling"),     # a negator is never a slip (脸部肿)
    ("跟老师说了", "persistent"),    # 老师 is a word of its own, not 老是
    ("嘴唇发干", "cyanosis"),        # two content characters: 发干 is no 发绀
])
def test_a_sound_alike_that_is_another_word_is_not_read(text, code):
    assert not read(text).present(code)


# --- how often is not how long ----------------------------------------------------------------------
@pytest.mark.parametrize("text, frequent", [
    ("流鼻血 一年有一两回", False), ("头疼 一个月两三次", False), ("胸口闷 一周好几回", True), ("心慌 每星期三四次", True),
])
def test_a_count_in_a_period_is_a_rate_not_a_duration(text, frequent):
    r = read(text)
    clause = next(c for c in r.clauses if c.recurrent)
    assert clause.hours is None and clause.frequent == frequent


def test_a_count_in_the_period_just_past_is_how_long_not_how_often():
    c = read("这一周有两次心慌").clauses[0]
    assert c.hours == 168 and not c.recurrent


@pytest.mark.parametrize("text", ["捏着鼻子五分钟就止了", "按了一会儿血止了"])
def test_a_bleed_that_stopped_is_over(text):
    assert read("早上流鼻血 " + text).findings[0].assertion == "resolved"


@pytest.mark.parametrize("text", ["每次吃完奶都会吐一小口", "喝奶后吐一两口", "喂完母乳总要溢出一点"])
def test_milk_brought_up_after_a_feed_is_possetting(text):
    assert read("宝宝两个月 " + text).present("possetting")


@pytest.mark.parametrize("text, relation", [
    ("我今年三十二，帮我外婆问的 这两天有点糊涂", "外婆"), ("我45岁 替俺爹咨询一下 他血压180", "爹"),
])
def test_the_one_the_writer_asks_for_is_the_subject_after_the_writers_own_age(text, relation):
    s = read(text).subject
    assert s.other and s.relation == relation


# --- pinyin initials --------------------------------------------------------------------------------
@pytest.mark.parametrize("text, code", [("kqky三天 疼", "mouth_ulcer"), ("xkt 出冷汗", "chest_pain"),
                                        ("xkm 喘不上气", "chest_tightness")])
def test_a_term_typed_as_its_pinyin_initials_is_read(text, code):
    assert read(text).present(code)


def test_two_letter_initials_bind_a_reading_and_english_stays_english():
    assert _value("xt5.6 正常吧", "glucose") == pytest.approx(5.6)
    assert read("next time bad day").findings == []


def test_a_measurement_word_after_a_denied_site_is_no_quality_of_it():
    r = read("胸口不疼 血压130/80")
    assert not r.present("chest_tightness") and r.denied("chest_pain")
    assert read("胸口不疼 就是压得慌").present("chest_tightness")


@pytest.mark.parametrize("text", ["屙屎不出 三天了", "3天未排便 有排气"])
def test_stool_that_will_not_come_is_constipation(text):
    assert read(text).present("constipation")


@pytest.mark.parametrize("text, code", [("没屙血", "bloody_stool"), ("没有大便发黑", "melena")])
def test_a_denied_bleed_in_the_stool_is_no_constipation_and_stays_denied(text, code):
    r = read(text)
    assert r.denied(code) and not r.present("constipation")


def test_what_befell_a_third_party_in_a_message_about_the_writer_is_theirs():
    r = read("跟你说个事,我们楼下王叔前天早上在菜市场突然嘴歪了说不出话,120拉走的,我吓得一晚上没睡好,我是不是也得查查")
    assert not r.present("face_droop") and not r.present("speech")
    assert read("楼下王叔突然嘴歪了说不出话 怎么办").present("face_droop")       # no writer of their own: the patient
    assert read("昨天帮朋友搬家抬冰箱 今天左胸一按就疼 我25岁").present("chest_pain")  # the writer's own doing


@pytest.mark.parametrize("story, turn, code", [
    ("隔壁王大爷昨天中风了 嘴歪了 送医院了", " 我有点怕", "face_droop"),   # a neighbour's kin word is no relative of the writer's
    ("邻居老李突然说话不清楚送去医院了", "，我会不会也这样", "speech"),
    ("电视上说胸口疼出冷汗是心梗", " 我没有这些 就是想问问", "sweating"),   # hearsay, its signs denied of the writer
])
def test_a_third_partys_story_told_for_the_writers_own_worry_is_theirs(story, turn, code):
    r = read(story + turn)
    assert not r.present(code) and not r.subject.other
    assert read(story).present(code)   # without the writer turning to themselves, the story's signs stay (the safer error)


def test_the_safer_reading_stays_when_the_message_asks_about_the_neighbour():
    assert read("我邻居82岁 突然说话不清楚 怎么办").present("speech")


@pytest.mark.parametrize("text, present", [("被蜜蜂蛰了 嘴巴不肿 不喘气", False), ("孩子突然不喘气 脸发青", True),
                                           ("老人不喘气了", True)])
def test_not_breathing_is_a_stopped_breath_not_a_denied_breathlessness(text, present):
    assert read(text).present("not_breathing") == present


@pytest.mark.parametrize("text, systolic, diastolic", [
    ("我也高血压，最近自己量都在一百五六十，头不晕不疼", 155, None),   # an approximate upper pressure, never 100/55
    ("血压三种药吃着 量了还是一百七八十", 175, None),
    ("血压 量了一下一百八十五一百一十二", 185, 112),
])
def test_an_approximate_pressure_in_chinese_numerals_is_one_value(text, systolic, diastolic):
    n = read(text).numbers
    assert (n.systolic, n.diastolic) == (systolic, diastolic)


def test_a_blood_pressure_in_chinese_numerals_after_several_measurements_is_read():
    n = read("老妈高血压 量了好几次都是一百九十八 一百二十").numbers
    assert (n.systolic, n.diastolic) == (198, 120)


@pytest.mark.parametrize("text", ["阿仔三岁 啱啱饮咗一啖通渠水", "孩子喝了两口除草剂"])
def test_a_chemical_drunk_is_a_poisoning(text):
    from app.services.triage import assess
    assert assess(text, interactive=False).level == "emergency"


@pytest.mark.parametrize("text", ["嘴唇不肿 喘气顺 不头晕", "呼吸平稳 就是咳嗽"])
def test_breathing_said_to_be_smooth_is_no_breathlessness(text):
    assert not read(text).present("dyspnoea")


def test_a_person_who_is_suddenly_not_right_is_unwell_and_denies_nothing_after_it():
    r = read("刚才突然人就不对了说胡话身上烫得吓人")
    assert r.present("unwell") and r.present("confusion") and r.present("fever")


@pytest.mark.parametrize("text, systolic", [("我75了 高血压吃药十来年 这几天家里量的都在一百三十二三、七十八九", 132.5),
                                            ("我妈有高血压 吃着缬沙坦 这周早上量的都在130到136", 136)])
def test_home_blood_pressures_told_as_a_range_or_in_numerals_are_read(text, systolic):
    assert read(text).numbers.systolic == pytest.approx(systolic, abs=1)


def test_someone_the_writer_has_told_of_with_no_illness_is_no_patient():
    s = read("最近心情特别差 整夜睡不着 但我不会做傻事的 家里还有孩子").subject
    assert not s.other
    assert read("家里还有孩子发烧39度").subject.other
