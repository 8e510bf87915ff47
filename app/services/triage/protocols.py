"""Chief-complaint protocols, each written as ordered disposition questions (``ordered.py``): the
questions run from the most urgent disposition to the least, each names its source, and the first
that holds answers. A protocol never lowers what another found: the engine takes the highest level
(2018 急诊预检分诊专家共识: "取最高级别").

Facts are three-valued: positive (said, or answered yes), negative (denied, or answered no) and
unknown. Where a protocol must decide on an unknown, it takes the safer branch; the engine may ask
the one question that settles it.

Every question cites its guideline inline, in the ``source`` of its ``Ask`` (constants below hold the
full references); the source travels into the assessment trace for clinical audit. The thresholds
are defaults a clinician must sign off (sources: docs/triage.md, docs/clinical_rules.md).
"""
from __future__ import annotations

import functools

from ml.clinical import (ACUTE_DBP, ACUTE_SBP, HYPER_URGENT, HYPO_LEVEL1_BELOW, HYPO_LEVEL2_BELOW, IFG_FASTING_FROM,
                         IGT_TWO_HOUR_FROM, LOW_SBP)

from app.language.numbers import told_as_course
from app.services.triage import texts as tx
from app.services.triage.context import E, PROTOCOLS, R, S, U, Ctx
from app.services.triage.language import lexicon
from app.services.triage.ordered import Ask, ordered_protocol, reassurance_protocol


# --- sources (cited by every rule) ----------------------------------------------------------------
CONSENSUS = "急诊预检分诊专家共识(2018) 表1, 中华急诊医学杂志 2018;27(6):599"
STROKE = "中风120 (Zhao & Liu, Lancet Neurol 2017); BE-FAST (中国卒中学会 2021)"
TIA = "短暂性脑缺血发作中国急诊诊疗专家共识(2021)"
CHEST = "急性胸痛急诊诊疗专家共识(2019)"
HTN = "国家基层高血压防治管理指南(2020) 急诊转诊标准"
DESIGN = "docs/clinical_rules.md (home BP / glucose)"
DM = "中国2型糖尿病防治指南(2020) 低血糖分级"
HYPERGLY = "中国高血糖危象诊断与治疗指南(2012); ICD-11 5A20 (HHS)"
DM_PRIMARY = "国家基层糖尿病防治管理指南(2022) 转诊"
DFOOT = "中国糖尿病足防治指南(2019); NICE NG19 diabetic foot (2015)"
IMCI = "WHO IMCI chart booklet (2014): general danger signs, cough/difficult breathing, dehydration"
NICE_FEVER = "NICE NG143 fever in under 5s, traffic-light table (2019)"
SEPSIS = "NICE NG51 sepsis (2016); 中国脓毒症早期预防与阻断急诊专家共识(2020)"
MENINGITIS = "NICE NG240 meningitis (2024)"
ASTHMA = "支气管哮喘防治指南(2020); GINA 2023 acute asthma"
COPD = "慢性阻塞性肺疾病诊治指南(2021); GOLD 2023 exacerbation"
PE = "急性肺栓塞诊断与治疗中国专家共识(2015); NICE NG158 VTE (2020)"
HF = "中国心力衰竭诊断和治疗指南(2018)"
HEADACHE = "NICE CG150 headaches (2021) red flags; 中国偏头痛诊治指南(2022)"
VERTIGO = "眩晕急诊诊断与治疗指南(2021); HINTS/BPPV"
SYNCOPE = "晕厥诊断与治疗中国专家共识(2018); ESC 2018 syncope"
ABDO = "急腹症急诊诊疗专家共识; 共识(2018) 表1 Ⅲ级: >65岁腹痛"
GI_BLEED = "急性上消化道出血急诊诊治流程专家共识(2020)"
DIARRHOEA = "NHS/NICE CKS gastroenteritis (2023): see a GP if diarrhoea >7 d or vomiting >2 d"
URTI = "NICE NG84 sore throat (FeverPAIN/Centor), NICE CKS common cold & acute cough (2023)"
TB = "中国肺结核筛查: 咳嗽咳痰≥2周为可疑症状; NICE CKS cough >3 weeks"
BACK = "NICE NG59 low back pain & CKS red flags (cauda equina) (2020)"
UTI = "NICE NG109 lower UTI, NG111 pyelonephritis (2018)"
SKIN = "NICE CKS cellulitis (NG141), urticaria, shingles; SJS/TEN expert consensus"
EYE = "RCOphth / AAO urgent eye referral criteria; 眼化学伤急救"
EAR = "NICE CKS otitis media; 突发性聋诊断和治疗指南(2015)"
OTTAWA = "Ottawa ankle/knee rules; NICE NG38 fractures (2016)"
DVT = "NICE NG158 VTE (2020): suspected DVT -> same-day assessment"
ANAPH = "严重过敏反应诊断和临床管理专家共识(2019); WAO anaphylaxis criteria (2020)"
POISON = "急性中毒诊断与治疗中国专家共识(2016); 共识(2018) Ⅱ级: 中毒"
CO = "一氧化碳中毒临床治疗指南"
HEADINJ = "NICE NG232 head injury (2023): anticoagulant / age>=65 -> CT within 8 h"
FALLS = "老年人跌倒干预技术指南(原卫生部 2011)"
SUICIDE = "精神障碍诊疗规范(2020) 自杀风险评估; 心理援助热线12356"
PREG = "妊娠期高血压疾病诊治指南(2020); RCOG GTG57 reduced fetal movements; NICE NG126 ectopic"
IMMUNE = "共识(2018) 表1 Ⅱ级: 发热伴粒细胞减少"
BURN = "烧伤急救专家共识; NICE CKS burns and scalds (2020)"
RABIES = "狂犬病暴露预防处置工作规范(2023)"
TETANUS = "非新生儿破伤风诊疗规范(2019)"
HEAT = "中国热射病诊断与治疗专家共识(2019)"
BLEED = "共识(2018) 表1 Ⅱ级: 活动性或严重出血; NICE CKS epistaxis"
KAWASAKI = "川崎病诊断和急性期治疗专家共识(2022); NICE NG143 fever >=5 days (amber)"
MALARIA = "疟疾诊断标准 WS 259-2015"
GOUT = "中国高尿酸血症与痛风诊疗指南(2019)"
MENTAL = "共识(2018) 表1 Ⅲ级: 行为障碍/急性精神症状"
GENERAL = "共识(2018) 表1 Ⅳ级: 症状轻微、生命体征平稳"


DELIRIUM = "NICE CG103 delirium (2023): new inattention/drowsiness in older people -> urgent medical assessment"
CAP = "NICE CKS chest infections - adult (2023), CRB-65; 中国成人社区获得性肺炎诊断和治疗指南(2016)"
RADICULOPATHY = "NICE NG59 / CKS sciatica (2020): new motor deficit (foot drop) -> same-day assessment"
CCB_SE = "NICE CKS hypertension (2023): dihydropyridine CCB ankle oedema is a common adverse effect; review, do not stop"
BREAST = "NICE NG12 suspected cancer (2015, 2023): breast lump -> suspected-cancer pathway referral"
THRUSH = "NICE CKS candida - oral (2022): infant oral thrush, self-care / pharmacist unless feeding poorly"
RASH_FEVER_CHILD = "NICE NG143 fever in under 5s (2019): fever with rash -> assess same day; non-blanching rash red"


# 急腹症 (共识 2018 Ⅱ级): no stool or wind passed, a swollen belly and vomiting together are a complete bowel
# obstruction, operated on, not treated with laxatives at home.
OBSTRUCTION = " 完全性肠梗阻: 停止排气排便、腹胀、呕吐"


def _complete_obstruction(c: Ctx) -> bool:
    return c.has("no_flatus") and c.has("abdo_distension") and c.has("vomiting", "persistent_vomiting", "bilious")


def period_pain(c: Ctx) -> bool:
    """Pain with a period ("来大姨妈肚子疼") is period pain, said in one word or two."""
    return c.has("dysmenorrhoea") or (c.has("menstruation") and c.has("abdominal_pain") and not c.pregnant)


# Features of a coronary pain (急性胸痛急诊诊疗专家共识, 2019); with breathlessness and pain at rest, of an ACS.
_CORONARY_FEATURES = ("sweating", "radiation", "pressure_quality", "nausea", "vomiting", "syncope", "near_syncope",
                      "cyanosis", "severe_dyspnoea", "exertional")
_ACS_FEATURES = _CORONARY_FEATURES + ("dyspnoea", "at_rest")


def explained_by_shingles(c: Ctx) -> bool:
    """Named explained-evidence rule (NICE CKS shingles, 2023; 急性胸痛急诊诊疗专家共识, 2019): vesicles in a band
    explain the pain in someone without cardiac risk features — and in anyone when the pain has run a day or more
    before or with the band (shingles' prodrome) with no feature of a coronary pain (sweating, radiation, pressure,
    nausea, fainting, breathlessness, exertion)."""
    band = c.has("shingles") or (c.has("blisters") and c.has("one_side_band", "burning"))
    no_risk = not c.cardiac_risk and (c.age is None or c.age < 50) and not c.cond("heart_disease")
    hours = c.hours("chest_pain", "chest_tightness")
    prodrome = hours is not None and hours >= 24 and not c.has(*_ACS_FEATURES)
    return band and (no_risk or prodrome) and c.has("chest_pain", "chest_tightness")


def explained_by_dark_stool(c: Ctx) -> bool:
    """Named explained-evidence rule (NICE CKS iron deficiency anaemia, 2023; BNF oral iron and bismuth; NHS "black
    poo", 2023: blueberries, black pudding and other animal blood, liquorice): oral iron, bismuth or a dark food
    turns the stool black: explained when one is named and there is no vomited blood, no faintness, dizziness,
    fainting, pallor or sweating, and no anticoagulant."""
    return c.has("iron_or_bismuth", "dark_food") and c.has("melena") and \
        not c.has("haematemesis", "dizziness", "syncope", "near_syncope", "pallor", "sweating") and \
        not c.cond("anticoagulants")


def explained_by_dental_anaesthetic(c: Ctx) -> bool:
    """Named explained-evidence rule (Tzermpos FH et al., Anesth Prog 2012;59:22 — transient facial palsy after an
    inferior alveolar nerve block; NICE CKS Bell's palsy 2023): a numb or drooping lip or mouth on the day of a
    dental local anaesthetic is the anaesthetic — only when the face is the only sign (no arm or leg weakness,
    numbness of a limb, speech, vision or balance sign)."""
    return c.has("local_anaesthetic") and c.has("face_droop") and \
        not c.has("unilateral_weakness", "unilateral_numbness", "speech", "vision_loss", "diplopia", "ataxia",
                  "confusion")


def explained_by_nosebleed(c: Ctx) -> bool:
    """Named explained-evidence rule (NICE CKS epistaxis, 2024: swallowed blood from a nosebleed may be
    vomited or spat out; NICE CKS gingivitis, 2023: gums that bleed on brushing streak the spit): blood brought up
    with a nosebleed, or streaks of it with bleeding gums, said in the same message is theirs —
    only without black stool, faintness, dizziness, pallor or an anticoagulant, and not repeated or heavy."""
    streaks = any(w in c.told_in("haematemesis") for w in ("血丝", "带血", "血水"))
    return c.has("haematemesis") and (c.has("epistaxis") or streaks and c.has("gum_bleeding", "saliva_blood")) and \
        not c.severe("haematemesis") and \
        not c.recurrent("haematemesis") and not c.has("melena", "dizziness", "syncope", "near_syncope", "pallor") \
        and not c.cond("anticoagulants")


def explained_by_strain(c: Ctx) -> bool:
    """Named explained-evidence rule (EAU Guidelines on Urolithiasis 2024: renal colic is not eased or worsened by a
    change of position; NICE CKS low back pain without radiculopathy 2024: pain after lifting that changes with
    movement is mechanical): loin pain that began with a lift or strain and hurts on bending or moving is the
    back's — only without blood in the urine, fever or urinary symptoms."""
    return c.has("lifting") and c.has("movement_pain") and not c.fever and \
        not c.has("haematuria", "dysuria", "urinary_frequency", "colicky", "vomiting")


_RED_EXCRETA = ("haematuria", "bloody_stool", "minor_rectal_blood")


def explained_by_food_pigment(c: Ctx) -> bool:
    """Named explained-evidence rule (NICE CKS haematuria (2023); NHS "blood in poo" (2023): red urine or a red stool
    after a food such as beetroot or red dragon fruit, or orange-red urine on rifampicin (BNF), is the pigment, not
    blood): with no pain, fever, clots, faintness, urinary symptoms, black stool or anticoagulant, and not lasting
    or worsening."""
    return c.has(*_RED_EXCRETA) and c.has("red_food", "red_pigment_medicine") and \
        not c.has("dysuria", "urinary_frequency", "flank_pain", "back_pain", "abdominal_pain", "clots", "melena",
                  "dizziness", "syncope", "near_syncope", "pallor", "haematemesis") and \
        not c.fever and not c.cond("anticoagulants") and not c.worsening() and not c.chronic(*_RED_EXCRETA) and \
        not c.recurrent(*_RED_EXCRETA)


def explained_by_heat(c: Ctx) -> bool:
    """Named explained-evidence rule (中暑诊断与治疗专家共识(2019); NHS heat exhaustion (2023)): thirst in the heat or
    the sun, or after hard work in it, is the sweat lost — not a sign of high glucose — when it is not days long and
    comes without weight loss."""
    return c.has("polydipsia") and c.has("heat_illness", "sun_exposure") and not c.chronic("polydipsia") and \
        not c.has("weight_loss")


def explained_by_hangover(c: Ctx) -> bool:
    """Named explained-evidence rule (Verster JC et al., Alcohol Hangover Research Group consensus, Curr Drug Abuse
    Rev 2010;3:116 — a hangover is the headache, nausea and vomiting after drinking, once the alcohol has worn off):
    drinking the night before (six hours or more ago) explains a headache, nausea or some vomiting the next day in
    an awake resident — only without a head injury or fall, a sudden or severe headache, drowsiness, confusion, a
    fit, vomiting blood, an anticoagulant, or diabetes (a low after drinking)."""
    return c.has("drunk") and ((c.hours("drunk") or 0) >= 6 or c.has("hangover_word")) and \
        c.has("headache", "nausea", "vomiting") and \
        not c.has("head_injury", "fall", "thunderclap", "drowsy", "confusion", "unresponsive", "seizure",
                  "haematemesis", "persistent_vomiting", "vomits_everything") and \
        not c.severe("headache", "vomiting") and not c.sudden("headache") and not c.cond("anticoagulants") and \
        not c.diabetic


def explained_by_chest_infection(c: Ctx) -> bool:
    """Named explained-evidence rule (NICE CKS chest infections / community-acquired pneumonia, 2023;
    急性胸痛急诊诊疗专家共识, 2019): pain on breathing in with fever and a cough, in someone under 65 who can
    still talk in sentences, explains the chest pain and a mild breathlessness as a chest infection
    (a same-day pneumonia assessment, urgent) — only without sweating, radiation, pressure quality,
    nausea, fainting, cyanosis, severe breathlessness or a low SpO2 (< 92 %)."""
    acs = c.has(*_CORONARY_FEATURES)
    low_spo2 = c.v.spo2 is not None and c.v.spo2 < 92
    return c.has("pleuritic") and c.has("cough", "sputum", "purulent_sputum") and c.fever and not c.elderly \
        and not c.cardiac_risk and not acs and not low_spo2 and not c.severe("dyspnoea")


def explained_by_shoulder_pain(c: Ctx) -> bool:
    """Named explained-evidence rule (NICE CKS shoulder pain, 2022; polymyalgia rheumatica, 2023): an arm that cannot
    be lifted because the shoulder or arm hurts or is stiff in the morning, for more than three days and not sudden,
    with no face, speech, numbness or vision sign, is painful restricted movement (frozen shoulder, rotator cuff,
    polymyalgia), not a stroke."""
    sx = ("unilateral_weakness",)
    h = c.hours(*sx)
    return c.has("joint_pain", "limb_pain", "morning_stiffness") and not c.sudden(*sx) and \
        (c.chronic(*sx) or (h is not None and h > 72)) \
        and not c.has("face_droop", "speech", "unilateral_numbness", "vision_loss", "stroke_suspected")


def explained_by_compression(c: Ctx) -> bool:
    """Named explained-evidence rule (NICE CKS carpal tunnel syndrome, 2023; compression neuropraxia): numbness
    of a limb that was slept or leant on, gone once it is moved or shaken, is the pressure on its nerve — only
    when numbness is the only sign (no weakness, face, speech, sight or balance sign, no confusion) and it has
    passed."""
    return c.has("compression") and c.has("numbness", "unilateral_numbness") and c.resolved() and \
        not c.has("unilateral_weakness", "face_droop", "speech", "vision_loss", "diplopia", "ataxia", "confusion",
                  "stroke_suspected")


def explained_by_teething(c: Ctx) -> bool:
    """Named explained-evidence rule (NICE CKS teething, 2021: teething may bring drooling, gum redness, biting and
    fussiness and a slight rise in temperature, never a fever of 38 °C or more): in a child of 4 months to 3 years
    with signs of teething — only below 38 °C and with no feeding, drowsiness, vomiting, diarrhoea, rash or
    breathing sign."""
    months = c.months
    return c.has("teething") and (months is None or 4 <= months <= 36) and (c.temp is None or c.temp < 38) and \
        not c.has("high_fever_word", "poor_feeding", "lethargy", "drowsy", "vomiting", "diarrhoea", "rash",
                  "dyspnoea", "fast_breathing", "face_swelling", "ear_discharge")


def explained_by_bells_palsy(c: Ctx) -> bool:
    """Named explained-evidence rule (NICE CKS Bell's palsy, 2023): a face that droops with the forehead too (it
    cannot be raised or wrinkled) and an eye that will not close is a facial-nerve palsy, which spares nothing
    above the eye, unlike a stroke — only when the face is the only sign (no arm or leg weakness or numbness,
    speech, sight, balance or confusion, no severe headache; a weakness or numbness told of the face alone, "左边面瘫",
    "左边脸麻", is the face's). Seen the same day: prednisolone within 72 hours."""
    def of_the_face(m) -> bool:
        said = c.p.text[m.start:m.end]
        return any(w in said for w in "脸面嘴眼") and not any(w in said for w in "手胳膊腿脚肢身臂膀")

    limbs = [code for code in ("unilateral_weakness", "unilateral_numbness")
             if not all(of_the_face(m) for m in c.p.positive.get(code, ()))]
    face = c.has("face_droop") or bool(c.p.positive.get("unilateral_weakness"))
    return face and c.has("forehead_weakness") and c.has("eye_closure_weak") and not limbs and \
        not c.has("speech", "vision_loss", "diplopia", "ataxia", "confusion", "stroke_suspected", "thunderclap") and \
        not c.severe("headache")


def _fishbone_passed(c: Ctx) -> bool:
    """A fish bone that went down with food and left nothing behind — no pain, no catching, no trouble swallowing, no
    drooling or chest pain — has passed (中国鱼刺/消化道异物诊治专家共识 2021: an impacted bone leaves pain or a
    foreign-body feeling at a fixed point; one swallowed without symptoms is watched at home)."""
    return c.has("fishbone") and c.has("gone_down") and \
        not c.has("sore_throat", "dysphagia", "drooling", "choking", "chest_pain", "throat_tight", "vomiting",
                  "haematemesis")


def explained_by_motion_sickness(c: Ctx) -> bool:
    """Named explained-evidence rule (NICE CKS motion sickness, 2023): nausea, vomiting, pallor or dizziness that come
    with travelling in a car, boat or plane and settle when it stops are motion sickness — only without a fever,
    diarrhoea, headache, blood, belly pain, drowsiness or a head injury."""
    return c.has("motion_sickness") and \
        not c.fever and not c.has("diarrhoea", "headache", "haematemesis", "bloody_stool", "melena", "abdominal_pain",
                                  "drowsy", "lethargy", "head_injury", "persistent_vomiting", "confusion")


def explained_by_carpal_tunnel(c: Ctx) -> bool:
    """Named explained-evidence rule (NICE CKS carpal tunnel syndrome, 2023): numbness of the hand or fingers that
    wakes at night and is shaken off (the flick sign) is the median nerve at the wrist — only when numbness is the
    only sign (no weakness of a limb, face, speech, sight or balance sign, no confusion) and it is not sudden."""
    return c.has("carpal_tunnel") and c.has("numbness", "unilateral_numbness") and \
        not c.has("unilateral_weakness", "face_droop", "speech", "vision_loss", "diplopia", "ataxia", "confusion",
                  "stroke_suspected") and not c.sudden("numbness", "unilateral_numbness")


def explained_by_radiculopathy(c: Ctx) -> bool:
    """Named explained-evidence rule (NICE NG59): foot drop after a back strain, with back pain and no
    face, speech or arm sign, is a nerve-root lesion, not a stroke."""
    return c.has("foot_drop") and c.has("back_pain", "radiating_leg", "lifting") and \
        not c.has("face_droop", "speech", "unilateral_numbness", "vision_loss")


def explained_by_sciatica(c: Ctx) -> bool:
    """Named explained-evidence rule (NICE NG59 low back pain and sciatica, 2020; BE-FAST: a stroke's numbness is
    sudden in the face, arm or leg, not a band running down from the back): numbness in one leg that the back pain
    runs into, with no face, speech, weakness or vision sign, is a nerve root's; the back-pain protocol answers."""
    numb_elsewhere = any(ch in c.p.text[m.start:m.end] for m in c.p.positive.get("unilateral_numbness", ())
                         for ch in "手臂膊脸嘴舌")
    return c.has("radiating_leg") and c.has("back_pain") and not numb_elsewhere and \
        not c.sudden("unilateral_numbness", "numbness") and \
        not c.has("face_droop", "speech", "unilateral_weakness", "vision_loss", "diplopia", "ataxia")


def explained_by_maternal_hormones(c: Ctx) -> bool:
    """Named explained-evidence rule (NHS, "Your newborn baby's health: vaginal bleeding or discharge; swollen
    breasts", 2023; Nelson Textbook of Pediatrics, 21st ed., ch. 113 — the mother's hormones, withdrawn after
    birth): a little blood in a baby girl's nappy in her first four weeks is pseudo-menstruation, and swollen breast
    buds, even with a drop of milk, in a baby of either sex in the first two months are neonatal breast enlargement —
    while the baby feeds and sleeps well; only without a fever, poor feeding, sleepiness, floppiness, vomiting, blood
    in the stool, a lot of blood, or a red, hot breast (mastitis)."""
    bleed = c.sex == "F" and c.months is not None and c.months < 1 and \
        c.has("haematuria", "vaginal_bleeding", "menstruation") and not c.severe("haematuria", "vaginal_bleeding")
    breast = c.has("newborn_breast") and (c.months is None and c.child or c.months is not None and c.months < 3) \
        and not c.has("red_swollen", "pus", "spreading")
    return (bleed or breast) and not c.fever and \
        not c.has("poor_feeding", "lethargy", "drowsy", "unresponsive", "vomiting", "persistent_vomiting",
                  "bloody_stool", "melena", "minor_rectal_blood", "clots", "jaundice")


def explained_by_roseola(c: Ctx) -> bool:
    """Named explained-evidence rule (NICE CKS roseola infantum (2021); 诸福棠实用儿科学 幼儿急疹): in a child of 3 or
    under, three days or so of high fever, then a pink rash that fades on pressure as the fever goes, in a child who
    is feeding and playing, is roseola — only when the fever has gone and without spots that do not fade, a fit,
    sleepiness, poor feeding, breathing trouble or a stiff neck."""
    young = c.age is None and c.child or c.age is not None and c.age < 4
    gone = [m.start for m in c.p.mentions if m.code in ("afebrile", "rash_after_fever") and m.assertion == "present"]
    back = gone and any(m.code in ("fever", "high_fever_word") and m.assertion == "present" and m.start > max(gone)
                        for m in c.p.mentions)   # 「烧退了 出了疹子 现在又烧到40度」: the fever came back
    return young and not back and c.has("rash", "rash_after_fever") and c.has("rash_after_fever", "afebrile") and \
        (c.has("blanching") or c.has("rash_after_fever")) and not c.has("petechiae") and \
        not c.has("seizure", "lethargy", "drowsy", "unresponsive", "poor_feeding", "dyspnoea", "fast_breathing",
                  "neck_stiffness", "vomits_everything", "cramp_generic")


def explained_by_senile_purpura(c: Ctx) -> bool:
    """Named explained-evidence rule (NICE CKS bruising (2023): actinic (senile) purpura — thin skin in older people
    bruises on the forearms and hands from minor knocks and fades by itself): purple patches from light knocks at 65
    or over — only without an anticoagulant or antiplatelet, bleeding gums or nose, blood in the urine or stool, a
    fever, tiredness or weight loss, and not spreading over the trunk or legs."""
    return (c.age or 0) >= 65 and c.has("bruise", "petechiae") and c.has("minor_knock") and \
        not c.cond("anticoagulants") and not c.has("cond_anticoagulants", "antiplatelet") and \
        not c.has("gum_bleeding", "epistaxis", "haematuria", "melena", "bloody_stool", "haematemesis", "fatigue",
                  "weight_loss", "night_sweats") and not c.fever


def explained_by_missed_dose(c: Ctx) -> bool:
    """Named explained-evidence rule (中国家庭血压监测指南 2019: the home thresholds are means of several readings;
    中国2型糖尿病防治指南 2020: targets are judged over days, not one value; docs/clinical_rules.md §1.2, §2): one
    reading from 90 to under 160/100, or one glucose from 3.9 to under 13.9, the day a blood-pressure or oral diabetes
    medicine was missed, without a headache, dizziness, thirst, chest, vision or stroke symptom, is the missed dose —
    only when every value given is inside those limits (below the levels that need a call, above the low ones), not on
    insulin, and not in pregnancy."""
    sbp, glucose = c.v.systolic, c.v.glucose
    bp_in_reach = sbp is None or sbp >= 90 and not _bp_at_least(c, 160, 100)
    glucose_in_reach = glucose is None or 3.9 <= glucose < 13.9 and not c.cond("insulin") and \
        not c.has("cond_insulin", "polydipsia", "vomiting", "drowsy", "confusion")
    return c.has("missed_dose") and (sbp is not None or glucose is not None) and bp_in_reach and glucose_in_reach \
        and not c.pregnant and not c.has("headache", "dizziness", "chest_pain", "chest_tightness", "blurred_vision",
                                     "palpitations", "dyspnoea", "unilateral_weakness", "speech", "face_droop")


def explained_by_vaccine_reaction(c: Ctx) -> bool:
    """Named explained-evidence rule (预防接种工作规范 2016, 一般反应: local redness, swelling or a hard lump at the
    injection site within a few days, mostly under 2.5 cm, resolving by itself; WHO, Causality assessment of an
    adverse event following immunization, 2nd ed. 2018): a lump, redness or swelling where the vaccine went in
    (a child's injection site, or after a named vaccination), in the days after it — only without a fever of
    39 °C or more, spreading redness, pus, poor feeding or sleepiness."""
    hours = c.hours("vaccinated")
    return c.has("injection_site") and (c.has("vaccinated") or c.child) and (hours is None or hours <= 24 * 7) and \
        c.has("lump", "red_swollen", "swelling_generic", "minor_skin", "rash") and \
        (c.temp is None or c.temp < 39) and not c.has("high_fever_word") and \
        not c.has("spreading", "pus", "poor_feeding", "lethargy", "drowsy", "unresponsive", "hives", "dyspnoea")


# Symptom groups used by several protocols.
STROKE_SIGNS = ("face_droop", "unilateral_weakness", "speech")
_BEFAST_OTHER = ("unilateral_numbness", "vision_loss", "diplopia", "ataxia")
NEURO_ALARM = ("confusion", "unresponsive", "drowsy", "seizure")
CARDIO_SX = ("chest_pain", "chest_tightness", "dyspnoea", "severe_dyspnoea", "palpitations", "syncope",
             "near_syncope", "dizziness", "confusion", "unresponsive", "drowsy", "fatigue", "sweating")
CHILD_DANGER = ("poor_feeding", "lethargy", "unresponsive", "seizure", "cramp_generic", "vomits_everything",
                "chest_indrawing", "grunting", "cyanosis", "bulging_fontanelle", "stridor")
URTI_SX = ("coryza", "sneezing", "sore_throat", "cough", "hoarseness", "itchy_nose", "myalgia", "sinus")


# ---------------------------------------------------------------------------------------------
# protocols (order = tie-break priority)
# ---------------------------------------------------------------------------------------------

def _seizure(c: Ctx) -> bool:
    """A fit, or a child's "抽筋" (a convulsion until shown otherwise)."""
    return c.has("seizure") or (c.child and c.has("cramp_generic"))


def _settled_known_epilepsy(c: Ctx) -> bool:
    """Known epilepsy, the fit is over and the person has come round (NICE NG217 epilepsies, 2022: a usual
    seizure with full recovery needs no ambulance): an adult, or a child said to be awake and playing again.
    Never in pregnancy."""
    return (c.cond("epilepsy") or c.has("cond_epilepsy")) and c.resolved() and not c.pregnant and \
        (not c.child or c.has("active_child"))


def _confusion_long_standing(c: Ctx) -> bool:
    return c.chronic("confusion") and not c.worsening()


def _confusion_high_risk(c: Ctx) -> bool:
    """Acute confusion with fever, diabetes, a head injury, a fall, a poison, stroke signs, age >= 65, or
    an onset not known to be gradual."""
    return c.fever or c.diabetic or c.has("head_injury", "fall", "poison_ingestion", "co_exposure") or \
        any(c.has(s) for s in STROKE_SIGNS) or c.elderly or c.unknown("stroke_sudden")


def _new_confusion(c: Ctx) -> bool:
    return c.has("confusion") and not _confusion_long_standing(c)


# What makes an older person's new confusion an emergency rather than a same-day delirium: a stroke, sepsis (high
# fever, fast breathing, blue, mottled or cold skin, little urine, low pressure or oxygen), low sugar, a poison, CO,
# heat, an injury, a fit, a headache or vomiting (a bleed, CO, meningitis), jaundice (liver failure), malaria.
_DELIRIUM_DANGER = STROKE_SIGNS + _BEFAST_OTHER + (
    "stroke_suspected", "head_injury", "fall", "poison_ingestion", "co_exposure", "drunk", "heat_illness", "seizure",
    "unresponsive", "hard_to_rouse", "not_breathing", "hypo_coma", "hypo_reported", "jaundice", "dyspnoea",
    "severe_dyspnoea", "fast_breathing", "cyanosis", "mottled", "cold_limb", "pallor", "oliguria", "chest_pain",
    "syncope", "headache", "thunderclap", "neck_stiffness", "vomiting", "petechiae", "sweating", "travel_malaria",
    "low_bp_reported")


def _delirium_same_day(c: Ctx) -> bool:
    """NICE CG103 delirium (2023) and the consensus (Ⅲ级: 急性意识模糊, 嗜睡可唤醒): an older person confused for a day
    or more, or with the signs of a stroke said to be absent, with none of the danger signs above and no diabetes
    (the sugar unknown), is assessed the same day — delirium, most often from an infection such as the urine's.
    With a fever it is sepsis's emergency only with a second sign: NICE NG253 suspected sepsis (2024) scores new
    confusion 3 on NEWS2 and sends a score of 5 or more to emergency care (temperature of 39.1 or more, a pulse of 111
    or more, breathing of 21 or more, systolic of 100 or less, oxygen of 93 or less each add 2 or more)."""
    h = c.hours("confusion")
    v = c.v
    return c.elderly and not c.diabetic and not c.fever_high and \
        ((h is not None and h >= 24) or any(c.no(s) for s in STROKE_SIGNS)) and \
        not any(c.has(s) for s in _DELIRIUM_DANGER) and \
        not (v.systolic is not None and v.systolic <= 100) and not (v.spo2 is not None and v.spo2 <= 93) and \
        not (v.resp_rate is not None and v.resp_rate >= 21) and not (v.pulse is not None and v.pulse >= 111)


def _drowsy_high_risk(c: Ctx) -> bool:
    return c.child or c.diabetic or c.fever or c.has("head_injury", "poison_ingestion", "drunk", "co_exposure")


def explained_by_sleep_apnoea(c: Ctx) -> bool:
    """Named explained-evidence rule (NICE NG202 obstructive sleep apnoea (2021); AAP clinical practice guideline,
    childhood OSA (2012)): sleepiness in the daytime with loud snoring and pauses in breathing at night is the
    broken sleep of sleep apnoea (reviewed in clinic), not an acute drop in consciousness — only without
    confusion, a fit, being hard to rouse, a fever, a head injury or a poison."""
    return c.has("sleep_apnoea") and not c.infant and (c.has("drowsy") or _apnoea_not_arrest(c)) and \
        (not c.has("not_breathing") or _apnoea_not_arrest(c)) and \
        not c.has("confusion", "unresponsive", "seizure", "head_injury", "poison_ingestion", "co_exposure") and \
        not c.fever


def _apnoea_not_arrest(c: Ctx) -> bool:
    """A snorer's breath that "stopped" and came back by itself is an apnoea, not an arrest — only without blue lips."""
    return c.has("not_breathing") and c.has("snoring") and c.has("breath_resumes") and not c.has("cyanosis") and \
        not c.infant


def apnoeas_explain_breathlessness(c: Ctx) -> bool:
    """Named explained-evidence rule (NICE NG202 (2021)): catching one's breath after the pauses of a snorer's night
    ("打呼噜 … 憋半天才喘上来") is the apnoea itself, told in the same breath — not breathlessness by day. Only when
    every mention of breathlessness sits within two clauses of the snoring and nothing else of the chest is said."""
    apnoea = {m.clause for code in ("sleep_apnoea", "snoring", "breath_resumes") for m in c.p.positive.get(code, ())}
    breath = {m.clause for m in c.p.positive.get("dyspnoea", ())}
    return bool(apnoea) and all(any(abs(k - a) <= 2 for a in apnoea) for k in breath) and \
        not c.has("severe_dyspnoea", "cyanosis", "stridor", "wheeze", "orthopnoea", "chest_pain", "chest_tightness",
                  "at_rest", "frothy_sputum", "leg_swelling")


def _drowsy_other(c: Ctx) -> bool:
    """Drowsy without a high-risk context or a fall."""
    return c.has("drowsy") and not _drowsy_high_risk(c) and not c.has("fall")


def _drowsy_elderly_new(c: Ctx) -> bool:
    return c.elderly and not c.chronic("drowsy")


# Every finding is a rule of its own: the lower ones that also hold are recorded (record_below).
ordered_protocol(
    "consciousness", tx.NEURO, triggers="unresponsive not_breathing confusion drowsy seizure hypo_coma",
    when=lambda c: c.child and c.has("cramp_generic"), record_below=R,
    asks=[
        Ask("conscious.explained_by_sleep_apnoea", E, "NICE NG202 (2021)", explained_by_sleep_apnoea, stop=True),
        Ask("conscious.not_breathing", E, CONSENSUS + " Ⅰ级: 心跳呼吸停止", lambda c: c.has("not_breathing"),
            flag="conscious.not_breathing", advice="unconscious"),
        Ask("conscious.unresponsive", E, CONSENSUS + " Ⅰ级: 急性意识障碍", lambda c: c.has("unresponsive", "hypo_coma"),
            flag="conscious.unresponsive", advice="unconscious"),
        # Daytime sleepiness explained by sleep apnoea: the sleep-apnoea answer (routine) stands.
        Ask("conscious.seizure", E, CONSENSUS + " Ⅰ级: 癫痫持续/儿童惊厥",
            lambda c: _seizure(c) and not _settled_known_epilepsy(c), flag="conscious.seizure", advice="seizure"),
        Ask("conscious.acute_confusion", E, HTN + " 1.意识丧失或模糊; " + SEPSIS,
            lambda c: _new_confusion(c) and _confusion_high_risk(c) and not _delirium_same_day(c),
            flag="conscious.confusion", advice="unconscious"),
        Ask("conscious.drowsy_high_risk", E, CONSENSUS + " Ⅱ级: 昏睡; " + IMCI,
            lambda c: c.has("drowsy") and _drowsy_high_risk(c) and not _delirium_same_day(c), flag="conscious.drowsy"),
        # New drowsiness after a fall is a head injury until shown otherwise (the head is often not
        # mentioned): NICE NG232 — reduced consciousness after a head injury -> CT within 1 hour.
        Ask("conscious.drowsy_after_fall", E, HEADINJ + " 跌倒后嗜睡/意识改变: 1小时内CT",
            lambda c: c.has("drowsy") and not _drowsy_high_risk(c) and c.has("fall"), flag="conscious.drowsy",
            advice="head_injury"),
        Ask("conscious.seizure_known_epilepsy", U, CONSENSUS + " Ⅲ级: 间断抽搐",
            lambda c: _seizure(c) and _settled_known_epilepsy(c), flag="conscious.seizure", advice="seizure"),
        Ask("conscious.delirium", U, DELIRIUM + "; " + CONSENSUS + " Ⅲ级: 急性意识模糊",
            lambda c: _new_confusion(c) and _delirium_same_day(c), flag="conscious.confusion"),
        Ask("conscious.confusion", U, CONSENSUS + " Ⅲ级: 急性意识模糊",
            lambda c: _new_confusion(c) and not _confusion_high_risk(c), flag="conscious.confusion"),
        # New sleepiness in an older person is hypoactive delirium until shown otherwise: urgent.
        Ask("conscious.drowsy_elderly_new", U, DELIRIUM, lambda c: _drowsy_other(c) and _drowsy_elderly_new(c),
            flag="conscious.drowsy"),
        Ask("conscious.drowsy", U, CONSENSUS + " Ⅲ级: 嗜睡可唤醒",
            lambda c: _drowsy_other(c) and not _drowsy_elderly_new(c), flag="conscious.drowsy"),
        Ask("conscious.chronic_cognitive", R, GENERAL,
            lambda c: c.has("confusion") and _confusion_long_standing(c)),
    ])




def _stroke_signs(c: Ctx) -> list[str]:
    signs = [s for s in STROKE_SIGNS if c.has(s)] + (["stroke_suspected"] if c.has("stroke_suspected") else [])
    if signs == ["speech"] and c.has("sore_throat", "trismus", "toothache", "mouth_ulcer", "hoarseness"):
        return []  # muffled "hot potato" speech of a throat or mouth problem, not aphasia
    if signs == ["face_droop"] and c.infant and c.has("possetting", "vomiting", "drooling", "teething"):
        return []  # milk or dribble from a baby's mouth corner, not a drooping face
    return signs


def _stroke_timing(c: Ctx) -> tuple[bool, float | None]:
    """(old, hours): an established deficit, and how long the signs have lasted."""
    all_sx = tuple(_stroke_signs(c)) + _BEFAST_OTHER
    old = (c.chronic(*all_sx) or c.has("cond_stroke_history") and not c.sudden(*all_sx) and c.p.any_chronic) \
        and not c.worsening() and not c.sudden(*all_sx)
    h = c.hours(*all_sx)
    if c.yes("stroke_sudden"):
        return False, 1.0
    if c.no("stroke_sudden"):
        return True, h
    return old, h


def _stroke_established(c: Ctx) -> bool:
    old, h = _stroke_timing(c)
    return old and (h is None or h > 24 * 14)


def _tia_over_a_day_ago(c: Ctx) -> bool:
    """Stroke signs that came and went a day or more ago (NICE NG128, 2022: a suspected TIA is seen by a
    specialist within 24 hours; symptoms that resolved before today are a same-day referral, not a 120 call).
    Signs resolved today, or still present, stay an emergency."""
    signs = tuple(_stroke_signs(c)) + _BEFAST_OTHER
    h = c.hours(*signs)
    return c.resolved() and h is not None and h >= 24 and not _stroke_established(c) and not c.worsening()


def _stroke_subacute(c: Ctx) -> bool:
    _old, h = _stroke_timing(c)
    return not _stroke_established(c) and h is not None and h > 72 and \
        not c.sudden(*(tuple(_stroke_signs(c)) + _BEFAST_OTHER))


def explained_by_retinal_detachment(c: Ctx) -> bool:
    """Named explained-evidence rule (NICE CKS retinal detachment (2023): flashes and new floaters, then a shadow or
    curtain over part of one eye's vision, are a detaching retina — seen by an eye doctor the same day): the loss of
    vision is the eye's — only with the flashes or floaters, in one eye, without any other stroke sign or headache."""
    return c.has("vision_loss") and c.has("flashes_floaters") and not c.has("bilateral") and \
        not c.has(*STROKE_SIGNS, *(s for s in _BEFAST_OTHER if s != "vision_loss"), "headache", "confusion",
                  "dizziness")


def _other(c: Ctx) -> list[str]:
    return [s for s in _BEFAST_OTHER if c.has(s) and
            not (s == "unilateral_numbness" and (explained_by_compression(c) or explained_by_carpal_tunnel(c)))
            and not (s == "vision_loss" and explained_by_retinal_detachment(c))]


def _other_acute(c: Ctx) -> bool:
    """A balance or eye sign that is sudden or new today; or two of them together when the onset is not said and
    they are not long-standing (double vision with an unsteady gait is a posterior-circulation stroke until shown
    otherwise: BE-FAST, Aroor et al., Stroke 2017)."""
    old, h = _stroke_timing(c)
    others = _other(c)
    together = len(others) >= 2 and h is None and not old and not c.recurrent(*others) and not c.resolved()
    return bool(others) and (c.sudden(*others) or c.yes("stroke_sudden") or (h is not None and h <= 24 and not old)
                             or together)


def _other_chronic(c: Ctx) -> bool:
    old, h = _stroke_timing(c)
    return bool(_other(c)) and not _other_acute(c) and (old or c.recurrent(*_other(c)) or (h is not None and h > 24 * 14))


ordered_protocol(
    "stroke", tx.NEURO, triggers="face_droop unilateral_weakness speech stroke_suspected unilateral_numbness "
    "vision_loss diplopia ataxia", questions="stroke_sudden",
    asks=[
        # Named explained-evidence rules: a foot drop with back pain or a leg's numbness the back pain runs into
        # (NICE NG59) and an arm that cannot be lifted for a painful shoulder (NICE CKS): the back-pain or limb
        # protocol answers.
        Ask("stroke.explained", E, RADICULOPATHY + "; NICE CKS shoulder pain (2022)",
            lambda c: _stroke_signs(c) == ["unilateral_weakness"] and
            (explained_by_radiculopathy(c) or explained_by_shoulder_pain(c)) or
            not _stroke_signs(c) and explained_by_sciatica(c), stop=True),
        Ask("stroke.explained_dental", E, "Tzermpos 2012 (下牙槽神经阻滞后一过性面瘫); NICE CKS Bell's palsy (2023)",
            explained_by_dental_anaesthetic, stop=True),
        Ask("stroke.explained_bells_palsy", E, "NICE CKS Bell's palsy (2023) 额纹消失、闭眼不全为周围性面瘫",
            explained_by_bells_palsy, stop=True),
        # Any one sudden sign: call 120 (中风120); resolved symptoms are a TIA, still an emergency.
        Ask("stroke.fast_sign", E, STROKE + "; " + TIA,
            lambda c: bool(_stroke_signs(c)) and not _stroke_established(c) and not _stroke_subacute(c) and
            not _tia_over_a_day_ago(c), flag="stroke.sign", advice="stroke"),
        Ask("stroke.befast_other", E, STROKE + " (B/E: 平衡、视觉)",
            lambda c: _other_acute(c) and not _tia_over_a_day_ago(c), flag="stroke.vision_balance", advice="stroke"),
        Ask("stroke.tia_over_a_day_ago", U, TIA + "; NICE NG128 (2022) 疑似TIA 24小时内专科评估",
            lambda c: (bool(_stroke_signs(c)) or bool(_other(c))) and _tia_over_a_day_ago(c), flag="stroke.recent",
            advice="stroke"),
        Ask("stroke.vision_loss", E, STROKE + " (E: 突然视力丧失)",
            lambda c: bool(_other(c)) and not _other_acute(c) and not _other_chronic(c) and c.has("vision_loss"),
            flag="stroke.vision_balance", advice="stroke"),
        Ask("stroke.subacute", U, STROKE + "; 超过时间窗仍需当天评估",
            lambda c: bool(_stroke_signs(c)) and _stroke_subacute(c), flag="stroke.recent", advice="stroke"),
        Ask("stroke.onset_unknown", U, STROKE + "; 起病时间不明按急症",
            lambda c: bool(_other(c)) and not _other_acute(c) and not _other_chronic(c), flag="stroke.recent"),
        Ask("stroke.established_deficit", R, STROKE + "; 后遗症期随访",
            lambda c: bool(_stroke_signs(c)) and _stroke_established(c), advice="stroke"),
        Ask("stroke.chronic_other", R, STROKE + "; 慢性症状门诊评估", _other_chronic),
    ],
    self_care=Ask("stroke.compression_numbness", S, "NICE CKS carpal tunnel syndrome (2023) 受压麻木已缓解",
                  explained_by_compression, advice="numb_compression"))


_CP = ("chest_pain", "chest_tightness")


def _chest_older(c: Ctx) -> bool:
    return (c.age is not None and c.age >= 40) or c.cardiac_risk


def _chest_wall_strain(c: Ctx) -> bool:
    """Pain reproduced by pressing or moving after a strain (lifting, exercise), under 40, without cardiac risk.
    A blow to the chest is not a strain: a rib may be broken (examined in clinic)."""
    return c.has("tender_on_press", "movement_pain") and c.has("lifting") and not c.has("trauma", "fall") and \
        c.age is not None and c.age < 40 and not c.cardiac_risk


def _chest_pattern(c: Ctx) -> str:
    """When no high-risk feature is said: which pattern the pain has, checked in this order (a
    low-risk explanation is taken before an unknown is assumed to be the worse case)."""
    if explained_by_shingles(c):
        return "shingles"
    if explained_by_chest_infection(c) or \
            (c.has("pleuritic") and c.has("cough") and c.fever and not c.has("dyspnoea") and not c.elderly):
        return "pleuritic_fever"
    benign = c.has("tender_on_press", "movement_pain", "brief_stab", "heartburn") or c.yes("chest_benign") or \
        (c.has("pleuritic") and c.has(*URTI_SX)) or c.has("trauma", "fall", "chest_injury")
    if benign and not c.no("chest_benign"):
        older = _chest_older(c) and not c.has("trauma", "fall", "tender_on_press", "chest_injury")
        return "benign_older" if older else "low_risk"
    if c.worsening() and (c.recurrent(*_CP) or c.has("exertional")):
        return "crescendo"
    if (c.chronic(*_CP) or c.recurrent(*_CP)) and not c.worsening() and not c.has("at_rest") and \
            (c.has("exertional", "relieved") or c.recurrent(*_CP)):
        return "stable"
    h = c.hours(*_CP)
    acute = h is None or h <= 24
    lasting = h is not None and 0.5 <= h <= 24 and not c.recurrent(*_CP)  # 2 hours of chest pain is ongoing
    if c.yes("chest_ongoing") or (acute and (c.has("persistent", "at_rest", "not_relieved") or lasting)
                                  and not c.resolved() and not c.has("relieved")):
        return "ongoing"
    # NICE CG95 chest pain of recent onset (2016): pain-free now after an episode more than 72 hours ago is assessed
    # in clinic (the stable-chest-pain pathway), not by ambulance.
    if h is not None and h >= 72 and (c.resolved() or c.has("relieved")) and not c.worsening():
        return "stable"
    if _chest_older(c) and c.ans("chest_assoc") is None:
        return "unknown_high_risk"
    return "unspecified"


def _chest_episode_days_ago(c: Ctx) -> bool:
    """NICE CG95 chest pain of recent onset (2016, 1.1.1.2-1.1.1.3): pain in the last 12 hours is an emergency; pain
    12-72 hours ago, gone since, is assessed the same day. Here only an episode told as the day before yesterday or
    earlier ("前天晚上…后来自己好了"), gone and not back or worse, with no breathlessness or fainting now: yesterday
    ("昨天半夜") may be under 12 hours and stays with the emergency rules."""
    h = c.hours(*_CP)
    return c.has(*_CP) and h is not None and 24 < h < 72 and c.resolved() and not c.worsening() and \
        not c.recurrent(*_CP) and not c.has("persistent", "at_rest", "not_relieved", "mi_suspected", "dyspnoea",
                                             "severe_dyspnoea", "syncope", "tearing_pain") and not c.yes("chest_ongoing")


ordered_protocol(
    "chest_recent", tx.CARDIO, when=_chest_episode_days_ago, paediatric=False,
    asks=[Ask("chest.episode_days_ago", U, "NICE CG95 (2016) 12-72小时前胸痛已缓解: 当天评估心电图/肌钙蛋白",
              lambda c: True, flag="chest.pain", advice="chest")])


ordered_protocol(
    "chest_pain", tx.CARDIO, triggers="chest_pain chest_tightness mi_suspected chest_injury tearing_pain pleuritic",
    # 急性胸痛急诊诊疗专家共识(2019): jaw or arm pain brought on by exertion, or jaw pain spreading to the arm,
    # is an anginal equivalent even when the chest is not named.
    when=lambda c: c.has("jaw_pain") and c.has("radiation", "exertional", "sweating") or
    c.has("radiation") and c.has("exertional"),
    questions="chest_assoc chest_ongoing chest_benign",
    asks=[
        # An episode gone since the day before yesterday: the chest_recent protocol answers (same day).
        Ask("chest.days_ago", E, "NICE CG95 (2016): the chest_recent protocol answers", _chest_episode_days_ago,
            stop=True),
        # A tearing pain at the anus on passing a stool, with nothing of the chest or back, is an anal fissure's (NICE
        # CKS anal fissure, 2023): the bowel's protocols answer.
        Ask("chest.explained_by_fissure", E, "NICE CKS anal fissure (2023)",
            lambda c: c.near(("tearing_pain",), ("haemorrhoids",), within=0) and
            not c.has("chest_pain", "chest_tightness", "mi_suspected", "chest_injury", "pleuritic", "back_pain"),
            stop=True),
        Ask("chest.mi_suspected", E, CHEST, lambda c: c.has("mi_suspected"), flag="chest.acs_features", advice="chest"),
        # Chest tightness of an asthma attack in a younger resident: the dyspnoea protocol answers.
        Ask("chest.asthma_tightness", E, ASTHMA, lambda c: c.cond("asthma") and c.has("wheeze", "asthma_attack") and
            not _chest_older(c) and not c.has("chest_pain"), stop=True),
        Ask("chest.acs_features", E, CHEST + " 高危: 伴出汗、气短、恶心、晕厥或放射痛",
            lambda c: c.has("sweating", "severe_dyspnoea", "radiation", "nausea", "vomiting", "syncope",
                            "near_syncope", "cyanosis", "pressure_quality") or c.yes("chest_assoc") or
            (c.has("dyspnoea") and not explained_by_chest_infection(c)),
            flag="chest.acs_features", advice="chest"),
        Ask("chest.dissection", E, CHEST + " 主动脉夹层: 撕裂样痛放射至背",
            lambda c: c.has("tearing_pain") or (c.has("back_pain") and (c.severe(*_CP) or c.sudden(*_CP))),
            flag="chest.dissection", advice="chest"),
        Ask("chest.pe", E, PE, lambda c: c.has("dyspnoea") and c.has("leg_swelling", "calf_pain", "recent_surgery",
                                                                  "long_travel", "estrogen"),
            flag="chest.pe", advice="chest"),
        Ask("chest.bp_high", E, HTN + " 3.血压明显升高伴持续胸痛",
            lambda c: c.v.systolic is not None and c.v.systolic >= ACUTE_SBP, flag="bp.emergency", advice="chest"),
        Ask("chest.severe_high_risk", E, CHEST + "; " + CONSENSUS + " Ⅱ级: 心源性胸痛",
            lambda c: (c.severe(*_CP) or c.has("not_relieved")) and _chest_older(c) and not explained_by_shingles(c),
            flag="chest.acs_features",
            advice="chest"),
        Ask("chest.known_chd_worse", E, CHEST + " 已知冠心病疼痛较平时加重",
            lambda c: c.cond("heart_disease") and (c.worsening() or c.has("not_relieved", "at_rest")),
            flag="chest.acs_features", advice="chest"),
        Ask("chest.ongoing", E, CHEST + " 持续>15分钟或静息时发作", lambda c: _chest_pattern(c) == "ongoing",
            flag="chest.acs_features", advice="chest"),
        # Unknown features in a resident over 40 or with cardiovascular risk: assume the worse.
        Ask("chest.unspecified_high_risk", E, CHEST + "; " + CONSENSUS + " Ⅱ级: 心源性胸痛待排", lambda c: False,
            no=lambda c: _chest_pattern(c) != "unknown_high_risk", ask="chest_assoc",
            flag="chest.unspecified_high_risk", advice="chest"),
        # Fever with pleuritic pain and cough: possible pneumonia, same-day assessment (NICE CKS
        # chest infections / CAP 2023: pleuritic pain is a feature of pneumonia; CRB-65).
        Ask("chest.pleuritic_fever", U, CAP + " 发热咳嗽伴吸气时胸痛: 肺炎待排当天就医",
            lambda c: _chest_pattern(c) == "pleuritic_fever", flag="chest.pleuritic_fever", advice="chest_routine",
            dept=tx.RESP),
        Ask("chest.benign_features_older", U, CHEST + " 低危特征但年龄/危险因素需当天心电图",
            lambda c: _chest_pattern(c) == "benign_older", flag="chest.pain", advice="chest_routine"),
        Ask("chest.crescendo", U, CHEST + " 不稳定型心绞痛: 近期加重", lambda c: _chest_pattern(c) == "crescendo",
            flag="chest.pain", advice="chest"),
        Ask("chest.unspecified", U, CHEST + "; " + CONSENSUS + " Ⅲ级: 胸痛需当天心电图",
            lambda c: _chest_pattern(c) == "unspecified", flag="chest.pain", advice="chest"),
        # Explained evidence: a band of vesicles on one side explains burning chest-wall pain, only
        # without cardiac risk features (age >= 50, known heart disease/diabetes/hypertension) and
        # without ACS features (asked above). NICE CKS shingles (2023); 急性胸痛急诊诊疗专家共识(2019).
        Ask("chest.explained_by_shingles", R, SKIN + "; " + CHEST + " 皮疹沿神经分布解释胸壁痛",
            lambda c: _chest_pattern(c) == "shingles", advice="skin", dept=tx.DERM),
        Ask("chest.low_risk_features", R, CHEST + " 低危: 按压痛、体位相关、反酸或咳嗽相关",
            lambda c: _chest_pattern(c) == "low_risk" and not _chest_wall_strain(c), advice="chest_routine"),
        Ask("chest.stable_pattern", R, CHEST + " 稳定性胸痛: 门诊评估", lambda c: _chest_pattern(c) == "stable",
            advice="chest_routine"),
    ],
    # NICE CKS chest pain (2023): chest-wall pain reproduced by pressing or moving, after a strain, in
    # someone under 40 without cardiac risk, is musculoskeletal: simple analgesia and rest at home.
    self_care=Ask("chest.wall_strain", S, CHEST + " 低危; NICE CKS chest pain (2023) 胸壁肌肉拉伤",
                  lambda c: _chest_pattern(c) == "low_risk" and _chest_wall_strain(c), advice="chest_wall"))


_D = ("dyspnoea", "severe_dyspnoea", "wheeze", "orthopnoea")


def _new_orthopnoea_congested(c: Ctx) -> bool:
    """ESC 2021 heart failure (acute decompensation): having to sit up to breathe that began in the last few days
    (said so), with swollen legs or getting worse, is acute heart failure — assessed in hospital, not at a clinic
    visit. Without a time it may be long-standing: the same-day heart-failure question answers."""
    h = c.hours("orthopnoea", "leg_swelling", "dyspnoea")
    return c.has("orthopnoea") and not c.chronic("orthopnoea", "leg_swelling") and h is not None and h <= 24 * 7 and \
        (c.has("leg_swelling") or c.worsening())


def _dysp_asthma(c: Ctx) -> bool:
    return c.has("asthma_attack") or (c.has("wheeze") and c.has("dyspnoea")) or \
        (c.cond("asthma") and c.has("dyspnoea", "wheeze") and not c.mild(*_D))


def _dysp_copd(c: Ctx) -> bool:
    return c.has("copd_flare") or (c.cond("copd") and c.has("dyspnoea", "purulent_sputum", "wheeze") and
                                   (c.worsening() or c.has("purulent_sputum", "fever") or not c.chronic(*_D)))


def _dysp_hf(c: Ctx) -> bool:
    return c.has("orthopnoea") or (c.has("dyspnoea") and c.has("leg_swelling"))


def _dysp_exertional_chronic(c: Ctx) -> bool:
    return c.has("exertional") and (c.chronic(*_D) or (c.hours(*_D) or 0) >= 24 * 14) and not c.worsening()


def explained_by_exertion(c: Ctx) -> bool:
    """Named explained-evidence rule (NICE CKS breathlessness, 2023: breathlessness in proportion to the exertion,
    settling within minutes of rest, is normal): a young adult out of breath after heavy exertion who was well again
    within minutes of resting, with no chest pain, palpitations, fainting, blue lips, wheeze or heart or lung
    condition, is not breathless from illness; the dyspnoea protocol hands over to the reassurance."""
    settled = c.has("resolved") and (c.hours("resolved") or 0) <= 0.5
    return c.has("exertional") and settled and c.age is not None and 14 <= c.age < 40 and \
        not c.has("chest_pain", "chest_tightness", "palpitations", "syncope", "near_syncope", "cyanosis", "wheeze",
                   "orthopnoea", "leg_swelling", "cough", "fever") and \
        not c.cond("heart_disease", "copd", "asthma", "pregnancy")


def _dysp_mild_cold(c: Ctx) -> bool:
    return c.mild(*_D) and c.has(*URTI_SX) and not c.elderly and not c.cond("heart_disease", "copd", "asthma") and \
        not c.child


ordered_protocol(
    "dyspnoea", tx.RESP, triggers="dyspnoea severe_dyspnoea wheeze orthopnoea cyanosis stridor asthma_attack "
    "copd_flare frothy_sputum", questions="dysp_rest",
    asks=[
        Ask("dysp.explained_by_sleep_apnoea", E, "NICE NG202 (2021)", apnoeas_explain_breathlessness, stop=True),
        Ask("dysp.explained_by_exertion", E, "NICE CKS breathlessness (2023)", explained_by_exertion, stop=True),
        Ask("dysp.severe", E, CONSENSUS + " Ⅱ级: 严重呼吸困难",
            lambda c: c.has("severe_dyspnoea", "cyanosis") or c.yes("dysp_rest"), flag="dysp.severe",
            advice="dyspnoea"),
        Ask("dysp.stridor", E, CONSENSUS + " Ⅰ级: 气道不能维持",
            lambda c: c.has("stridor") and (c.has("dyspnoea", "throat_tight", "at_rest", "drooling") or not c.child),
            flag="resp.stridor", advice="dyspnoea"),
        Ask("dysp.acute_hf", E, HF + "; " + HTN + " 4.不能平卧",
            lambda c: c.has("frothy_sputum") or (c.has("orthopnoea") and c.severe(*_D)) or _new_orthopnoea_congested(c),
            flag="dysp.hf",
            advice="dyspnoea", dept=tx.CARDIO),
        Ask("dysp.altered", E, CONSENSUS + " Ⅱ级", lambda c: c.has("dyspnoea", "severe_dyspnoea") and c.has(*NEURO_ALARM),
            flag="dysp.severe", advice="dyspnoea"),
        Ask("dysp.pe", E, PE,
            lambda c: c.has("dyspnoea") and (c.sudden(*_D) and c.has("recent_surgery", "long_travel", "leg_swelling",
                                                                         "calf_pain", "estrogen") or
                                             c.has("unilateral_leg") and c.has("leg_swelling")),
            flag="chest.pe", advice="dyspnoea"),
        Ask("dysp.severe_words", E, CONSENSUS + " Ⅱ级: 严重呼吸困难",
            lambda c: c.has("dyspnoea") and c.severe(*_D) and not c.child, flag="dysp.severe", advice="dyspnoea"),
        Ask("dysp.asthma", U, ASTHMA + "; " + CONSENSUS + " Ⅲ级: 急性哮喘", _dysp_asthma, flag="dysp.asthma",
            advice="dyspnoea"),
        Ask("dysp.copd", U, COPD, _dysp_copd, flag="dysp.copd", advice="dyspnoea"),
        Ask("dysp.heart_failure", U, HF + "; " + HTN + " 4.下肢水肿、呼吸困难", _dysp_hf, flag="dysp.hf",
            advice="dyspnoea", dept=tx.CARDIO),
        Ask("dysp.acute", U, CONSENSUS + " Ⅲ级; 新发呼吸困难当天就医",
            lambda c: c.has("dyspnoea", "severe_dyspnoea") and not (_dysp_asthma(c) or _dysp_copd(c) or _dysp_hf(c))
            and not _dysp_exertional_chronic(c) and not _dysp_mild_cold(c), flag="dysp.acute", advice="dyspnoea"),
        Ask("dysp.wheeze_only", R, ASTHMA, lambda c: c.has("wheeze") and not c.has("dyspnoea", "severe_dyspnoea"),
            advice="dyspnoea"),
        Ask("dysp.chronic_exertional", R, CONSENSUS + " Ⅳ级: 已知慢性症状",
            lambda c: c.has("dyspnoea", "severe_dyspnoea") and _dysp_exertional_chronic(c), advice="dyspnoea"),
        Ask("dysp.mild_with_cold", R, URTI + "; 轻度气促门诊评估",
            lambda c: c.has("dyspnoea", "severe_dyspnoea") and _dysp_mild_cold(c), advice="dyspnoea"),
    ])


_PALP = ("palpitations", "bradycardia_sx")


def _palp_ongoing(c: Ctx) -> bool:
    return c.yes("palp_ongoing") or (c.has("persistent") and not c.resolved())


def _palp_risk(c: Ctx) -> bool:
    return c.cond("heart_disease", "atrial_fibrillation") or (c.age is not None and c.age >= 65)


ordered_protocol(
    "palpitations", tx.CARDIO, triggers="palpitations bradycardia_sx", questions="palp_ongoing pulse",
    asks=[
        Ask("palp.unstable", E, CONSENSUS + " Ⅰ级: 不稳定心律; " + SYNCOPE,
            lambda c: c.has("syncope", "near_syncope", "chest_pain", "chest_tightness", "severe_dyspnoea", "confusion"),
            ask="palp_assoc", flag="palp.unstable", advice="palpitations"),
        # Sweating, tremor and hunger in a diabetic are hypoglycaemia: the glucose protocol answers.
        Ask("palp.hypo_features", U, DM, lambda c: c.has("sweating", "tremor", "hunger") and c.diabetic, stop=True),
        Ask("palp.symptomatic", U, CONSENSUS + " Ⅲ级: 心率异常伴症状",
            lambda c: c.has("dyspnoea", "dizziness") or (_palp_ongoing(c) and (_palp_risk(c) or c.sudden(*_PALP))) or
            (c.has("bradycardia_sx") and c.has("fatigue", "dizziness")), flag="palp.ongoing", advice="palpitations"),
        Ask("palp.high_risk", U, CONSENSUS + " Ⅲ级; 心脏病/老年人心慌",
            lambda c: _palp_risk(c) and c.ans("palp_ongoing") is not False and not c.recurrent(*_PALP) and
            not c.resolved(), flag="palp.ongoing", advice="palpitations"),
        Ask("palp.benign_trigger", S, GENERAL + "; 咖啡/紧张诱发的短暂心慌",
            lambda c: c.has("caffeine", "anxiety", "stress_trigger") and not _palp_risk(c) and not _palp_ongoing(c)),
    ],
    otherwise=("palp.intermittent", GENERAL + "; 间歇心慌门诊查心电图/动态心电图", "palpitations"))


def _vasovagal(c: Ctx) -> bool:
    return c.has("vasovagal_trigger") and (c.age is None or c.age < 40) and not c.no("syncope_cardiac") and \
        not c.elderly


ordered_protocol(
    "syncope", tx.CARDIO, triggers="syncope",
    asks=[
        Ask("syncope.cardiac", E, SYNCOPE + " 高危: 伴胸痛心悸、运动中、心脏病",
            lambda c: c.has("chest_pain", "chest_tightness", "palpitations", "dyspnoea", "exertional") or
            c.cond("heart_disease", "atrial_fibrillation"), ask="syncope_cardiac", flag="syncope.cardiac",
            advice="syncope"),
        Ask("syncope.high_risk_context", E, SYNCOPE + "; " + HEADINJ,
            lambda c: c.pregnant or c.has("head_injury") and c.cond("anticoagulants") or c.has("confusion", "seizure"),
            flag="syncope.event", advice="syncope"),
        Ask("syncope.unexplained", U, SYNCOPE + "; 晕厥需当天评估", lambda c: not _vasovagal(c), flag="syncope.event",
            advice="syncope"),
    ],
    otherwise=("syncope.reflex", SYNCOPE + " 低危: 诱因明确的反射性晕厥", "syncope"))


_HEAD = ("headache", "thunderclap")


def _head_severe(c: Ctx) -> bool:
    return c.severe(*_HEAD) or c.yes("head_severe")


def _head_pregnant_20(c: Ctx) -> bool:
    return c.pregnant and (c.preg_weeks is None or c.preg_weeks >= 20)


def _head_long_standing(c: Ctx) -> bool:
    return c.chronic(*_HEAD) or c.recurrent(*_HEAD)


ordered_protocol(
    "headache", tx.NEURO, triggers="headache thunderclap band_like",
    questions="head_sudden bp stroke_signs head_neck head_severe",
    asks=[
        # The poisoning protocol answers a hangover (a named explained-evidence rule).
        Ask("head.explained_by_hangover", E, "Verster 2010 (宿醉)", explained_by_hangover, stop=True),
        Ask("head.thunderclap", E, HEADACHE + " 雷击样头痛(蛛网膜下腔出血)",
            lambda c: c.has("thunderclap") or c.yes("head_sudden") or (c.sudden(*_HEAD) and _head_severe(c)),
            flag="head.thunderclap", advice="headache"),
        Ask("head.neuro_signs", E, STROKE, lambda c: c.yes("stroke_signs"), flag="stroke.sign", advice="stroke"),
        Ask("head.meningism", E, MENINGITIS,
            lambda c: (c.has("neck_stiffness") and (c.fever or c.has("vomiting"))) or c.yes("head_neck") or
            (c.fever and c.has("petechiae")), flag="head.meningism", advice="headache"),
        Ask("head.neuro", E, HEADACHE + "; " + HTN, lambda c: c.has("confusion", "seizure", "drowsy"), flag="head.neuro",
            advice="headache"),
        Ask("head.co", E, CO, lambda c: c.has("co_exposure"), flag="poison.co", advice="co"),
        Ask("head.injury_red", E, HEADINJ,
            lambda c: c.has("head_injury") and (_vomiting_after_head_injury(c) or
                                                c.has("syncope", "drowsy", "confusion", "seizure")),
            flag="head.injury", advice="head_injury"),
        Ask("head.preeclampsia", E, PREG,
            lambda c: _head_pregnant_20(c) and c.has("blurred_vision", "flashes_floaters", "vision_loss"),
            flag="preg.eclampsia", advice="pregnancy", dept=tx.OBGYN),
        Ask("head.severe_vomiting", E, HEADACHE + " 剧烈头痛伴呕吐(颅内压增高)",
            lambda c: c.has("vomiting", "persistent_vomiting", "projectile") and _head_severe(c), flag="head.severe",
            advice="headache"),
        Ask("head.after_injury", U, HEADINJ, lambda c: c.has("head_injury"), flag="head.injury", advice="head_injury",
            dept=tx.NEUROSURG),
        Ask("head.pregnancy", U, PREG + " 孕20周后新发头痛需测血压", _head_pregnant_20, flag="preg.headache",
            dept=tx.OBGYN),
        Ask("head.severe_new", U, HEADACHE + "; " + CONSENSUS + " Ⅱ/Ⅲ级: 剧烈疼痛",
            lambda c: _head_severe(c) and not _head_long_standing(c), flag="head.severe", advice="headache"),
        Ask("head.vomiting", U, HEADACHE + " 头痛伴呕吐",
            lambda c: c.has("vomiting", "persistent_vomiting", "projectile") and not c.has(*URTI_SX),
            flag="head.severe", advice="headache"),
        Ask("head.high_risk_patient", U, HEADACHE + " 抗凝/免疫抑制者新发头痛",
            lambda c: c.cond("anticoagulants", "immunosuppressed") and not c.chronic(*_HEAD), flag="head.severe"),
        Ask("head.giant_cell_arteritis", U, HEADACHE + " 50岁以上新发头痛伴颞部压痛/咀嚼痛/视物模糊(巨细胞动脉炎)",
            lambda c: c.age is not None and c.age >= 50 and c.has("jaw_claudication", "blurred_vision", "vision_loss"),
            flag="head.severe", advice="headache"),
        Ask("head.new_over_50_progressive", U, HEADACHE + " 50岁以上新发进行性头痛",
            lambda c: c.age is not None and c.age >= 50 and c.worsening() and not c.chronic(*_HEAD)),
        # A cold with a headache: the respiratory protocol answers.
        Ask("head.with_cold", R, URTI, lambda c: c.has(*URTI_SX) and not _head_severe(c), stop=True),
        Ask("head.with_fever", R, HEADACHE + "; 发热伴头痛门诊评估", lambda c: c.fever and not c.child,
            advice="headache"),
        Ask("head.migraine_like_first", R, HEADACHE,
            lambda c: c.has("one_sided_throbbing", "photophobia") and not _head_long_standing(c), advice="headache"),
        # NICE CG150 headaches (2021): headaches weekly or more often (medication overuse among them) are reviewed.
        Ask("head.persistent", R, HEADACHE + " 持续超过1周、逐渐加重或每周发作(NICE CG150)",
            lambda c: (c.hours(*_HEAD) or 0) >= 24 * 7 or c.worsening() or c.frequent(*_HEAD), advice="headache"),
        Ask("head.hypertensive_unmeasured", R, HTN + "; 高血压病人头痛先量血压",
            lambda c: c.cond("hypertension") and c.v.systolic is None and not c.mild(*_HEAD) and not c.has(*URTI_SX),
            advice="headache"),
        Ask("head.elderly", R, HEADACHE + " 老年人新发头痛",
            lambda c: c.elderly and not c.mild(*_HEAD) and not c.has(*URTI_SX) and
            not c.has("band_like", "stress_trigger"), advice="headache"),
    ],
    self_care=Ask("head.tension_or_minor", S, HEADACHE + " 紧张型/轻度头痛可居家", lambda c: True,
                  advice="headache_self"))


_DZ = ("dizziness", "vertigo", "near_syncope", "orthostatic")

ordered_protocol(
    "dizziness", tx.NEURO, triggers="dizziness vertigo near_syncope orthostatic", questions="stroke_signs bp glucose",
    all_flags=False,
    asks=[
        Ask("dizzy.stroke_signs", E, STROKE + " (B: 平衡)", lambda c: c.yes("stroke_signs"), flag="stroke.sign",
            advice="stroke"),
        # Owned by the chest, syncope, gastro, environment or glucose protocols.
        Ask("dizzy.owned_elsewhere", E, GENERAL,
            lambda c: c.has("chest_pain", "chest_tightness", "syncope", "heat_illness", "motion_sickness", "melena",
                            "haematemesis") or (c.diabetic and c.has("sweating", "tremor", "hunger")), stop=True),
        Ask("dizzy.cannot_walk", E, STROKE + " (B: 突发不能行走)",
            lambda c: c.has("dizziness", "vertigo") and c.sudden(*_DZ) and c.has("cant_bear_weight"),
            flag="stroke.vision_balance", advice="stroke"),
        Ask("dizzy.acute_vestibular_risk", U, VERTIGO + " 急性前庭综合征, 有血管危险因素",
            lambda c: c.has("vertigo") and c.has("vomiting", "persistent_vomiting") and c.sudden(*_DZ) and
            (c.age is not None and c.age >= 50 or c.cardiac_risk), flag="stroke.recent", advice="vertigo"),
        Ask("dizzy.with_palpitations", U, CONSENSUS + " Ⅲ级", lambda c: c.has("palpitations"), flag="palp.ongoing",
            advice="dizziness"),
        Ask("dizzy.presyncope_risk", U, SYNCOPE + " 晕厥先兆",
            lambda c: c.has("near_syncope") and (c.elderly or c.cardiac_risk), flag="syncope.event", advice="dizziness"),
        Ask("dizzy.elderly_sudden", U, VERTIGO + " 老年人突发头晕",
            lambda c: c.elderly and c.sudden(*_DZ) and not c.has("positional", "orthostatic"), flag="stroke.recent",
            advice="dizziness"),
        Ask("dizzy.positional_vertigo", R, VERTIGO + " 位置性眩晕(BPPV)门诊",
            lambda c: c.has("vertigo", "dizziness") and c.has("positional") and not c.elderly or
            (c.has("vertigo") and (c.recurrent(*_DZ) or c.chronic(*_DZ))), advice="vertigo"),
        Ask("dizzy.vertigo", R, VERTIGO, lambda c: c.has("vertigo"), advice="vertigo"),
        Ask("dizzy.needs_review", R, VERTIGO + "; 老年人/慢病患者头晕查血压血糖",
            lambda c: c.elderly or c.cardiac_risk or c.chronic(*_DZ) or c.recurrent(*_DZ) or c.severe(*_DZ) or
            c.worsening() or c.pregnant or
            # dizzy on a blood-pressure medicine (NICE CKS blood pressure — low: review the drugs)
            c.has("bp_medicine"), advice="dizziness"),
    ],
    self_care=Ask("dizzy.minor", S, GENERAL + "; 一过性轻度头晕", lambda c: True, advice="dizziness"))


_A = ("abdominal_pain", "rlq", "peritonism", "migrating")


def _reproductive_female(c: Ctx) -> bool:
    return c.sex == "F" and (c.age is None or 14 <= c.age <= 50) and not c.child


def _possible_preg(c: Ctx) -> bool:
    """A pregnancy that may be outside the womb: a missed period, or early pregnancy not yet seen in the womb on a scan
    (NICE NG126 (2023): with an intrauterine pregnancy confirmed, bleeding and pain are a threatened miscarriage)."""
    return (c.has("amenorrhoea") or c.yes("preg_possible") or (c.pregnant and (c.preg_weeks or 0) < 14)) and \
        not c.said("intrauterine_confirmed", "present", "past")


def _upper_uti_temp(c: Ctx) -> bool:
    """A measured 37.9 °C or more with urinary symptoms suggests pyelonephritis (UKHSA Diagnosis of urinary tract
    infections, 2020: temperature ≥ 37.9 °C or one rigor — same-day assessment)."""
    return c.temp is not None and c.temp >= 37.9


def _abdo_pattern(c: Ctx) -> str:
    """Without an urgent feature: period pain, a long-standing pain, a mild upset, or unexplained."""
    if period_pain(c) and not c.severe(*_A):
        return "period"
    hours = c.hours(*_A)
    # A fever with the cramps of diarrhoea is gastroenteritis's own, unless high (NICE CKS gastroenteritis, 2023).
    gastroenteritis_fever = c.has("diarrhoea") and not c.fever_high
    if c.chronic(*_A) or c.recurrent(*_A) or (hours is not None and hours >= 24 * 7) or c.has("weight_loss") or \
            (c.fever and not gastroenteritis_fever):
        return "persistent"
    benign = c.has("diarrhoea", "abdo_distension", "after_meal", "heartburn", "constipation", "nausea",
                   "dietary_trigger") or c.mild(*_A) or c.resolved()   # a pain already gone ("拉完就好了")
    if benign and not c.elderly and not c.has("epigastric") or (c.mild(*_A) and not c.elderly):
        return "mild"
    if c.has("epigastric") and c.has("heartburn", "after_meal") and not c.elderly:
        return "dyspepsia"
    return "unspecified"


ordered_protocol(
    "abdominal_pain", tx.GI, triggers="abdominal_pain rlq peritonism migrating", obstetric=True,
    questions="abdo_severe abdo_rlq abdo_fever_vomit preg_possible",
    asks=[
        # From 20 weeks a belly that tightens now and then without pain or bleeding is the womb (Braxton Hicks,
        # NICE CKS antenatal care), not a rigid abdomen; with pain or bleeding it stays a red flag (abruption).
        Ask("abdo.peritonism", E, ABDO + " 腹膜刺激征(穿孔/腹膜炎)",
            lambda c: c.has("peritonism") and not (c.pregnant and _from_20_weeks(c) and
                                                   not c.has("abdominal_pain", "vaginal_bleeding")),
            flag="abdo.peritonism",
            advice="abdominal", dept=tx.SURG),
        Ask("abdo.shock", E, CONSENSUS + " Ⅰ/Ⅱ级: 休克表现",
            lambda c: c.has("syncope", "near_syncope", "confusion") or
            (c.v.systolic is not None and c.v.systolic < LOW_SBP) or
            (c.has("pallor", "mottled") and c.has("sweating", "dizziness")), flag="abdo.severe", advice="abdominal"),
        Ask("abdo.sweating", E, CONSENSUS + " Ⅱ级: 剧烈腹痛伴出汗(脐以上); " + CHEST + " 不典型心梗",
            lambda c: c.has("sweating") and (c.severe(*_A) or c.has("epigastric") and
                                             ((c.age or 0) >= 50 or c.cardiac_risk)), flag="abdo.acs",
            advice="abdominal"),
        # ESVS 2017 acute mesenteric ischaemia: sudden severe abdominal pain, often out of proportion to a soft belly,
        # in someone with atrial fibrillation is an embolus to the gut until shown otherwise.
        Ask("abdo.mesenteric_ischaemia", E, "ESVS 2017 急性肠系膜缺血: 房颤+突发剧烈腹痛",
            lambda c: c.cond("atrial_fibrillation") and (c.sudden(*_A) or c.severe(*_A)), flag="abdo.severe",
            advice="abdominal", dept=tx.SURG),
        Ask("abdo.ectopic", E, PREG + " 宫外孕",
            lambda c: (_reproductive_female(c) or c.pregnant) and _possible_preg(c) and
            (c.has("vaginal_bleeding") or c.severe(*_A)), flag="abdo.ectopic", advice="pregnancy", dept=tx.OBGYN),
        Ask("abdo.torsion", E, CONSENSUS + " Ⅱ级: 睾丸扭转",
            lambda c: c.has("testicular_pain") and (c.sudden("testicular_pain") or c.severe("testicular_pain")),
            flag="gyn.testicular", dept=tx.URO),
        Ask("abdo.rlq", U, ABDO + " 转移性右下腹痛(阑尾炎)",
            lambda c: c.has("rlq", "migrating") and not c.mild(*_A) or (c.has("rlq") and c.fever) or c.yes("abdo_rlq"),
            flag="abdo.appendicitis", advice="abdominal", dept=tx.SURG),
        Ask("abdo.obstruction_complete", E, ABDO + OBSTRUCTION, _complete_obstruction, flag="abdo.obstruction",
            advice="abdominal", dept=tx.SURG),
        Ask("abdo.obstruction", U, ABDO + " 肠梗阻: 痛、吐、胀、闭",
            lambda c: c.has("no_flatus") or (c.has("persistent_vomiting", "vomiting", "bilious") and
                                             c.has("abdo_distension") and c.has("constipation")),
            flag="abdo.obstruction", advice="abdominal", dept=tx.SURG),
        Ask("abdo.severe", U, CONSENSUS + " Ⅱ/Ⅲ级: 剧烈/中度腹痛", lambda c: c.severe(*_A) or c.yes("abdo_severe"),
            flag="abdo.severe", advice="abdominal"),
        Ask("abdo.elderly", U, CONSENSUS + " Ⅲ级: >65岁腹痛",
            lambda c: c.elderly and not c.chronic(*_A) and not c.recurrent(*_A), flag="abdo.elderly",
            advice="abdominal"),
        # Painless, irregular tightenings from 20 weeks, with no bleeding, fluid or fewer movements, are Braxton Hicks
        # contractions (NICE CKS antenatal care): the pregnancy reassurance answers.
        Ask("abdo.explained_by_braxton_hicks", U, PREG + "; 假宫缩(不规律、不痛)",
            lambda c: c.pregnant and _from_20_weeks(c) and _preg_reassurance(c), stop=True),
        Ask("abdo.pregnancy", U, PREG + " 孕期腹痛当天产科评估", lambda c: c.pregnant, flag="preg.pain",
            advice="pregnancy", dept=tx.OBGYN),
        Ask("abdo.possible_pregnancy", U, PREG + " 停经后腹痛先排除宫外孕",
            lambda c: _reproductive_female(c) and _possible_preg(c), flag="abdo.ectopic", dept=tx.OBGYN),
        Ask("abdo.fever_vomit_jaundice", U, ABDO + " 腹痛伴发热/持续呕吐/黄疸",
            lambda c: c.fever and not c.has("diarrhoea") or c.yes("abdo_fever_vomit") or
            c.has("persistent_vomiting") or c.has("jaundice"), flag="abdo.severe", advice="abdominal"),
        Ask("abdo.radiating", U, ABDO + " 胆绞痛/胰腺炎: 腹痛放射至背",
            lambda c: c.has("radiation") and not c.mild(*_A), flag="abdo.severe", advice="abdominal"),
        Ask("abdo.bleeding", U, GI_BLEED, lambda c: c.has("bloody_stool", "melena"), flag="gi.blood",
            advice="abdominal"),
        Ask("abdo.testicular", U, CONSENSUS + " Ⅱ级: 睾丸扭转待排", lambda c: c.has("testicular_pain"),
            flag="gyn.testicular", dept=tx.URO),
        Ask("abdo.child_worsening", U, ABDO + " 儿童腹痛伴呕吐或加重",
            lambda c: c.child and not c.mild(*_A) and (c.worsening() or c.has("vomiting")), flag="abdo.severe",
            advice="abdominal"),
        Ask("abdo.worsening", U, ABDO + " 腹痛进行性加重",
            lambda c: c.worsening() and not c.chronic(*_A) and not c.mild(*_A), flag="abdo.severe",
            advice="abdominal"),
        Ask("abdo.persistent_or_recurrent", R, GENERAL + "; 反复/持续腹痛门诊(胃镜等)",
            lambda c: _abdo_pattern(c) == "persistent", advice="abdominal_self"),
        Ask("abdo.unspecified", R, ABDO + "; 腹痛原因不明门诊评估", lambda c: _abdo_pattern(c) == "unspecified",
            advice="abdominal"),
        Ask("abdo.period_pain", S, GENERAL + "; 原发性痛经", lambda c: _abdo_pattern(c) == "period",
            advice="abdominal_self", dept=tx.OBGYN),
        Ask("abdo.mild", S, GENERAL + "; 轻度腹痛伴胃肠不适", lambda c: _abdo_pattern(c) == "mild",
            advice="abdominal_self"),
        Ask("abdo.dyspepsia", S, GENERAL + "; 消化不良", lambda c: _abdo_pattern(c) == "dyspepsia",
            advice="abdominal_self"),
    ])


def _gi_bleed(c: Ctx) -> bool:
    return (c.has("melena") and not explained_by_dark_stool(c)) or c.has("bloody_stool") or c.yes("gi_blood")


def _circulatory_failure(c: Ctx) -> bool:
    """Peripheral circulatory failure (GI_BLEED 2020: 头晕、心悸、乏力、出汗、晕厥), a low blood pressure or a
    fast pulse."""
    return c.has("dizziness", "syncope", "near_syncope", "sweating", "confusion", "pallor", "mottled", "palpitations",
                 "fatigue") or \
        (c.v.systolic is not None and c.v.systolic < LOW_SBP) or (c.v.pulse is not None and c.v.pulse > 100)


def _adult_dehydration(c: Ctx) -> bool:
    return not c.child and (c.has("persistent_vomiting", "vomits_everything", "oliguria") or c.yes("gi_fluids") or
                            (c.has("diarrhoea", "vomiting") and c.has("orthostatic", "near_syncope")) or
                            (c.p.numbers.stool_count or 0) >= 10)


def _child_gi(c: Ctx) -> bool:
    return c.child and c.has("diarrhoea", "vomiting") and not _possetting_only(c)


def _possetting_only(c: Ctx) -> bool:
    """Milk brought up after feeds ("吃完奶老吐一点奶 吐完还挺开心"): the vomiting words are the possetting's, unless
    the vomiting is forceful, green, repeated, with diarrhoea, or the baby feeds or grows poorly."""
    return c.has("possetting") and (c.p.numbers.vomit_count or 0) < 3 and \
        not c.has("persistent_vomiting", "vomits_everything", "projectile", "bilious", "diarrhoea", "poor_feeding",
                  "lethargy", "weight_loss")


def _child_no_dehydration(c: Ctx) -> bool:
    """Playing normally, no sign of dehydration, no high fever (IMCI plan A)."""
    return c.has("active_child") and not c.has("sunken_eyes", "no_tears", "dry_mouth", "irritable") and \
        not c.fever_high


def _not_child_gi(pred):
    """A clinic question for anyone but a vomiting or diarrhoeal child (assessed for dehydration above)."""
    return lambda c: not _child_gi(c) and pred(c)


def _long_diarrhoea(c: Ctx) -> bool:
    h = c.hours("diarrhoea")
    return h is not None and h > 24 * 7 or c.chronic("diarrhoea") or c.recurrent("diarrhoea")


def _long_vomiting(c: Ctx) -> bool:
    h = c.hours("vomiting", "nausea")
    return h is not None and h > 48


ordered_protocol(
    "gastro", tx.GI, triggers="vomiting persistent_vomiting vomits_everything diarrhoea nausea haematemesis "
    "melena bloody_stool minor_rectal_blood heartburn constipation abdo_distension bilious projectile "
    "jaundice hiccups haemorrhoids bowel_change possetting", obstetric=True,
    when=lambda c: c.has("dysphagia") and not c.has("sore_throat", "tonsil_exudate"),
    questions="gi_fluids gi_blood child_dehyd",
    asks=[
        Ask("gi.explained_by_motion_sickness", E, "NICE CKS motion sickness (2023)", explained_by_motion_sickness,
            stop=True),
        Ask("gi.haematemesis", E, GI_BLEED + "; " + CONSENSUS + " Ⅱ级: 活动性出血",
            lambda c: c.has("haematemesis") and not explained_by_nosebleed(c), flag="gi.haematemesis",
            advice="gi_bleed"),
        Ask("gi.bleed_shock", E, GI_BLEED + " 黑便/便血伴头晕晕厥", lambda c: _gi_bleed(c) and _circulatory_failure(c),
            flag="gi.melena_shock", advice="gi_bleed"),
        Ask("gi.obstruction_complete", E, ABDO + OBSTRUCTION, _complete_obstruction, flag="abdo.obstruction",
            advice="abdominal", dept=tx.SURG),
        Ask("gi.infant_bilious", E, IMCI + "; 婴儿胆汁性呕吐(肠梗阻)", lambda c: c.infant and c.has("bilious"),
            flag="child.danger"),
        # NICE CKS (2023) intussusception: a baby or toddler with bouts of crying and drawing up the legs, vomiting,
        # or redcurrant-jelly stool is admitted as an emergency — the triad is complete in a minority, so bouts of
        # crying with vomiting or floppiness between them are enough.
        Ask("gi.intussusception", E, "NICE CKS 肠套叠: 阵发哭闹、呕吐、果酱样便",
            lambda c: c.child and c.age is not None and c.age < 3 and
            (c.has("bloody_stool") and c.has("colicky", "vomiting", "irritable") or
             c.has("colicky") and c.has("vomiting", "persistent_vomiting", "lethargy", "pallor")), flag="child.danger"),
        Ask("gi.melena", U, GI_BLEED + " 黑便提示上消化道出血",
            lambda c: (c.has("melena") and not explained_by_dark_stool(c)) or c.yes("gi_blood"), flag="gi.melena",
            advice="gi_bleed"),
        # Expected with oral iron or bismuth, nothing to do but watch for the signs of a bleed (the advice).
        Ask("gi.iron_black_stool", S, "NICE CKS iron deficiency anaemia (2023); NHS black poo (2023): 口服铁剂/铋剂或蓝莓、动物血等使大便发黑",
            explained_by_dark_stool, advice="iron_stool"),
        Ask("gi.food_pigment", S, "NHS blood in poo (2023): 火龙果、甜菜等使大便发红",
            lambda c: explained_by_food_pigment(c) and not c.has("diarrhoea"), advice="gi_self"),
        Ask("gi.bloody_diarrhoea", U, GI_BLEED + "; 儿童血便(HUS风险)/便血伴发热",
            lambda c: c.has("bloody_stool") and (c.child or c.has("diarrhoea") and c.fever or
                                                 c.severe("bloody_stool") or c.cond("anticoagulants") or c.elderly),
            flag="gi.blood"),
        Ask("gi.dehydration", U, CONSENSUS + " Ⅲ级: 持续呕吐/脱水", _adult_dehydration, flag="gi.dehydration",
            advice="gi_fluids"),
        # NICE CG84 diarrhoea and vomiting in under 5s (2009, 2023): vomiting that goes on (hours on end, or
        # everything brought back) puts a child at risk of dehydration: assessed the same day.
        Ask("gi.child_persistent_vomiting", U, IMCI + "; NICE CG84 儿童持续呕吐当天评估",
            lambda c: c.child and c.has("persistent_vomiting", "vomits_everything"), flag="child.dehydration",
            advice="gi_fluids", dept=tx.PAED),
        Ask("gi.young_infant", U, IMCI + "; 6个月以下婴儿吐泻",
            lambda c: c.infant and c.months is not None and c.months < 6 and
            c.has("vomiting", "diarrhoea", "persistent_vomiting") and not _possetting_only(c), flag="child.infant_gi",
            advice="gi_fluids"),
        Ask("gi.projectile_infant", U, IMCI + "; 婴儿喷射性呕吐(幽门狭窄)", lambda c: c.infant and c.has("projectile"),
            flag="child.danger"),
        Ask("gi.diabetic_vomiting", U, DM_PRIMARY + " 糖尿病患者呕吐(酮症风险)",
            lambda c: c.diabetic and c.has("vomiting", "persistent_vomiting") and
            (c.cond("insulin") or not c.mild("vomiting")), flag="gi.dehydration", advice="gi_fluids", dept=tx.ENDO),
        Ask("gi.hyperemesis", U, PREG + " 妊娠剧吐", lambda c: c.pregnant and c.has("persistent_vomiting"),
            flag="preg.hyperemesis", dept=tx.OBGYN),
        Ask("gi.jaundice", U, GENERAL + "; 新发黄疸需当天查肝功能", lambda c: c.current("jaundice"), flag="abdo.severe"),
        Ask("gi.cannot_swallow", U, URTI + " 不能吞咽唾液", lambda c: c.has("dysphagia") and c.has("drooling"),
            flag="resp.upper_airway", dept=tx.ENT),
        Ask("gi.frail_elderly", U, DIARRHOEA + "; 高龄老人严重吐泻",
            lambda c: c.elderly and (c.age or 0) >= 75 and c.has("persistent_vomiting", "diarrhoea") and
            (c.severe("diarrhoea", "vomiting") or (c.p.numbers.stool_count or 0) >= 6),
            flag="gi.dehydration", advice="gi_fluids"),
        Ask("gi.child_assess", R, IMCI + " 儿童吐泻需评估脱水",
            lambda c: _child_gi(c) and not _child_no_dehydration(c), advice="gi_fluids", dept=tx.PAED),
        Ask("gi.bowel_habit_change", R, "NICE NG12 (2015): 排便习惯改变/便血/消瘦需肠镜评估",
            _not_child_gi(lambda c: c.has("bowel_change")), advice="gi_self"),
        Ask("gi.rectal_blood", R, GI_BLEED + "; 少量便血门诊(肛门/肠镜)",
            _not_child_gi(lambda c: c.has("bloody_stool", "minor_rectal_blood") and not explained_by_food_pigment(c)),
            advice="gi_self"),
        # Painful swallowing with a sore throat is the throat (respiratory protocol), not a GI alarm.
        Ask("gi.alarm_dyspepsia", R, GENERAL + "; 吞咽困难/消瘦需胃镜",
            _not_child_gi(lambda c: (c.has("dysphagia") and not c.has("sore_throat", "tonsil_exudate")) or
                          (c.has("weight_loss") and c.has("heartburn", "dysphagia", "anorexia"))), advice="gi_self"),
        Ask("gi.persistent", R, DIARRHOEA,
            _not_child_gi(lambda c: (c.has("diarrhoea") and _long_diarrhoea(c)) or
                          # a pregnancy's sickness is the pregnancy protocol's (hyperemesis: gi.hyperemesis above)
                          (c.has("vomiting") and _long_vomiting(c) and not _possetting_only(c) and not c.pregnant)),
            advice="gi_self"),
        Ask("gi.febrile_or_severe_diarrhoea", R, DIARRHOEA + " 发热/腹泻频繁需门诊",
            _not_child_gi(lambda c: c.has("diarrhoea") and
                          (c.fever and (c.temp is None or c.temp >= 38.5) and not c.has("low_fever_word") or
                           c.severe("diarrhoea", "abdominal_pain") or (c.p.numbers.stool_count or 0) >= 6)),
            advice="gi_fluids"),
        Ask("gi.chronic_dyspepsia", R, GENERAL + "; 反复消化道症状门诊",
            _not_child_gi(lambda c: c.has("heartburn", "constipation", "abdo_distension", "hiccups") and
                          (c.chronic("heartburn", "constipation", "abdo_distension") or c.recurrent("heartburn") or
                           (c.age or 0) >= 55 and c.has("weight_loss"))), advice="gi_self"),
        Ask("gi.very_old", R, DIARRHOEA + "; 高龄老人吐泻需随访",
            _not_child_gi(lambda c: c.elderly and (c.age or 0) >= 80 and c.has("diarrhoea", "vomiting")),
            advice="gi_fluids"),
        # NICE NG1 (2015) gastro-oesophageal reflux in infants: bringing up a little milk after feeds is common
        # and needs no investigation in a baby who feeds and grows (the red flags are asked above).
        Ask("gi.infant_possetting", S, "NICE NG1 (2015) 婴儿溢奶", _possetting_only, advice="possetting", dept=tx.PAED),
        Ask("gi.child_no_dehydration", S, IMCI + " 无脱水: 家庭补液(方案A)",
            lambda c: _child_gi(c) and _child_no_dehydration(c), advice="gi_fluids"),
    ],
    self_care=Ask("gi.self_limiting", S, DIARRHOEA + " 无危险信号可居家补液", lambda c: True, advice="gi_self"))


def _hypothermia(c: Ctx) -> bool:
    return c.temp is not None and c.temp < 35


def _child_fever(c: Ctx) -> bool:
    return c.child and not _hypothermia(c)


def _adult_fever(c: Ctx) -> bool:
    return not c.child and not _hypothermia(c)


def _child_fever_review(c: Ctx) -> bool:
    t, days = c.temp, c.hours("fever")
    return (t is not None and t >= 39) or c.has("high_fever_word") or (days is not None and days >= 72) or \
        c.infant and not _after_vaccination(c) or c.has("dysuria", "irritable", "lethargy") or c.worsening() or \
        c.has("rash") and not c.has("viral_exanthem") or _ear_pain_to_review(c)


def _after_vaccination(c: Ctx) -> bool:
    """NICE NG143 (2019) and 预防接种工作规范 (2016): a fever under 39 °C in the two days after a vaccination, in a
    baby of 3 months or more who feeds and plays, is the vaccine's common reaction (looked after at home)."""
    hours = c.hours("vaccinated")
    return c.has("vaccinated") and (hours is None or hours <= 48) and (c.months is None or c.months >= 3) and \
        (c.temp is None or c.temp < 39) and not c.has("poor_feeding", "lethargy", "drowsy", "vomiting", "rash")


def _ear_pain_to_review(c: Ctx) -> bool:
    """NICE CKS otitis media (2022): most ear aches with a cold settle within three days with pain relief; a child
    under 2, pain for three days or more, discharge, or a fever of 39 °C is reviewed."""
    if not c.has("ear_pain", "ear_tugging"):
        return False
    days = c.hours("ear_pain", "ear_tugging")
    return (c.age is not None and c.age < 2) or c.has("ear_discharge") or (days is not None and days >= 72) or \
        (c.temp is not None and c.temp >= 39)


def _adult_fever_pattern(c: Ctx) -> str:
    """Without an urgent feature: a fever to review in clinic, an unexplained one, one a local protocol
    answers (urine, skin, ear), or a viral illness to look after at home."""
    t, days = c.temp, c.hours("fever")
    urti = c.has(*URTI_SX)
    mild_cold = urti and ((t is not None and t < 38.5) or c.has("low_fever_word") or c.mild("fever"))
    long_fever = days is not None and (days >= 120 or days >= 72 and not mild_cold)
    if c.fever_high or long_fever or c.has("purulent_sputum", "chills") or c.elderly \
            or c.worsening() or c.cond("diabetes", "copd", "heart_disease", "ckd") and not c.mild("fever"):
        return "review"
    if not urti and not c.has("myalgia", "diarrhoea", "vomiting") and t is None and not c.has("low_fever_word"):
        return "unexplained"
    if not urti and c.has("dysuria", "urinary_frequency", "rash", "ear_pain", "red_swollen"):
        return "local"
    return "viral"


def _child(pred):
    return lambda c: _child_fever(c) and pred(c)


def _adult(pred):
    return lambda c: _adult_fever(c) and pred(c)


# Teething explained (a named rule): what to do at home and when to worry.
reassurance_protocol("exertion", tx.GP, when=explained_by_exertion, rule="dysp.exertion_settled",
                     source="NICE CKS breathlessness (2023)", advice="exertion", paediatric=False)

reassurance_protocol("teething", tx.PAED, when=explained_by_teething, rule="teething.self_care",
                     source="NICE CKS teething (2021)", advice="teething")


# Named explained evidence (rules above) that is looked after at home: what to do and when to worry.
reassurance_protocol("newborn_hormones", tx.PAED, when=explained_by_maternal_hormones,
                     rule="newborn.maternal_hormones", source="NHS newborn baby's health (2023): 出生后几周内假月经、乳房肿大(母体激素撤退)",
                     advice="newborn_hormones")
reassurance_protocol("missed_dose", tx.GP, when=explained_by_missed_dose, rule="med.after_missed_dose",
                     source=HTN + "; 中国家庭血压监测指南(2019)、中国2型糖尿病防治指南(2020)", advice="missed_dose",
                     paediatric=False)
reassurance_protocol("roseola", tx.PAED, when=explained_by_roseola, rule="roseola.self_care",
                     source="NICE CKS roseola infantum (2021) 幼儿急疹: 热退疹出", advice="roseola")
reassurance_protocol("senile_purpura", tx.GP, when=explained_by_senile_purpura, rule="bruise.senile_purpura",
                     source="NICE CKS bruising (2023) 老年性紫癜", advice="senile_purpura", paediatric=False)
reassurance_protocol("vaccine_reaction", tx.PAED, when=explained_by_vaccine_reaction, rule="vaccine.local_reaction",
                     source="预防接种工作规范(2016) 一般反应: 接种部位红肿、硬结", advice="vaccine_local")


# Bell's palsy (a named rule above): a same-day visit for prednisolone within 72 hours and eye care.
ordered_protocol(
    "facial_palsy", tx.NEURO, when=explained_by_bells_palsy, paediatric=False,
    asks=[Ask("face.bells_palsy", U, "NICE CKS Bell's palsy (2023) 72小时内口服激素", lambda c: True,
              flag="face.bells_palsy", advice="bells_palsy")])


# A measured temperature in the normal range, asked about ("娃36度9 算发烧不"): reassurance with what to watch for.
ordered_protocol(
    "temperature_normal", tx.GP, when=lambda c: c.temp is not None and 35.5 <= c.temp < 37.3, asks=[],
    self_care=Ask("temp.normal", S, NICE_FEVER + "; 腋温≥37.3℃为发热", lambda c: True, advice="temp_normal"))


ordered_protocol(
    "fever", tx.GP, triggers="fever chills", questions="child_danger fever_red temp",
    when=lambda c: c.temp is not None and (c.temp >= 37.3 or c.temp < 35),
    asks=[
        # Chills without a fever, or a fever word denied: nothing for this protocol.
        Ask("fever.none", E, GENERAL, lambda c: not c.fever and not _hypothermia(c) and not c.has("fever"), stop=True),
        Ask("fever.explained_by_teething", E, "NICE CKS teething (2021)", explained_by_teething, stop=True),
        Ask("fever.explained_by_roseola", E, "NICE CKS roseola infantum (2021)", explained_by_roseola, stop=True),
        Ask("fever.infant_under_3m", E, NICE_FEVER + " 红: <3个月体温≥38℃; " + IMCI,
            _child(lambda c: c.months is not None and c.months < 3), flag="fever.infant", advice="child_danger"),
        Ask("fever.child_danger_sign", E, IMCI + " 一般危险体征; " + NICE_FEVER + " 红",
            _child(lambda c: _danger_sign(c, CHILD_DANGER) or c.yes("child_danger") or
                   c.has("petechiae", "neck_stiffness", "mottled")), flag="fever.child_danger", advice="child_danger"),
        Ask("fever.hyperpyrexia", E, CONSENSUS + " Ⅰ级: 体温>41℃", _adult(lambda c: c.temp is not None and c.temp > 41),
            flag="vital.hyperpyrexia", advice="fever"),
        Ask("fever.meningitis_sepsis", E, MENINGITIS + "; " + SEPSIS,
            _adult(lambda c: c.has("neck_stiffness") or c.has("petechiae") or c.yes("fever_red")), flag="fever.sepsis",
            advice="fever"),
        Ask("fever.altered_or_shock", E, SEPSIS,
            _adult(lambda c: c.has("confusion", "drowsy") and not _delirium_same_day(c) or
                   c.has("unresponsive", "seizure", "mottled") or
                   (c.v.systolic is not None and c.v.systolic < LOW_SBP)), flag="fever.sepsis", advice="fever"),
        Ask("fever.immunosuppressed", E, IMMUNE, _adult(lambda c: c.cond("immunosuppressed")),
            flag="fever.immunosuppressed", advice="fever"),
        Ask("fever.hypothermia", U, CONSENSUS + "; 体温<35℃", _hypothermia, flag="vital.hypothermia"),
        Ask("fever.3_6m_39", U, NICE_FEVER + " 红: 3-6个月体温≥39℃",
            _child(lambda c: c.months is not None and c.months < 6 and c.temp is not None and c.temp >= 39),
            flag="fever.child_danger", advice="fever_child"),
        Ask("fever.child_5_days", U, KAWASAKI,
            _child(lambda c: (c.hours("fever") or 0) >= 24 * 5 or c.has("cond_kawasaki")),
            flag="fever.prolonged_child", advice="fever_child"),
        Ask("fever.child_breathing", U, IMCI + " 肺炎: 呼吸增快", _child(lambda c: c.has("fast_breathing", "dyspnoea",
                                                                                       "wheeze")),
            flag="child.breathing", advice="fever_child"),
        Ask("fever.child_amber", U, NICE_FEVER + " 黄: 脱水/烦躁/婴儿吃奶减少",
            _child(lambda c: c.has("irritable") and c.severe("irritable", "fever") or
                   c.has("sunken_eyes", "oliguria", "no_tears") or c.infant and c.has("reduced_feeding")),
            flag="child.dehydration", advice="fever_child"),
        Ask("fever.child_rash_red_eyes", U, KAWASAKI, _child(lambda c: c.has("rash") and c.has("red_eye")),
            flag="fever.prolonged_child", advice="fever_child"),
        Ask("fever.40", U, CONSENSUS + "; 超高热", _adult(lambda c: c.temp is not None and c.temp >= 40),
            flag="vital.temp_40", advice="fever"),
        Ask("fever.travel", U, MALARIA + " 疫区归来发热", _adult(lambda c: c.has("travel_malaria")), flag="fever.travel",
            advice="fever", dept="感染科"),
        Ask("fever.tick", U, SEPSIS + "; 蜱传疾病(立克次体/发热伴血小板减少综合征)",
            _adult(lambda c: c.has("tick_bite") and (c.has("rash", "headache") or c.fever_high)), flag="fever.travel",
            advice="fever", dept="感染科"),
        Ask("fever.rash_headache", U, SEPSIS + "; 发热皮疹伴头痛",
            _adult(lambda c: c.has("rash") and c.has("headache") and c.fever_high), flag="fever.sepsis", advice="fever"),
        Ask("fever.jaundice", U, SEPSIS + " 胆道感染", _adult(lambda c: c.has("jaundice")), flag="fever.sepsis",
            advice="fever"),
        Ask("fever.pyelonephritis", U, UTI,
            _adult(lambda c: c.has("flank_pain") or (c.has("dysuria", "urinary_frequency") and
                                                     (c.has("chills") or c.fever_high or _upper_uti_temp(c))) or
                   (c.has("back_pain") and c.has("dysuria", "urinary_frequency"))),
            flag="fever.pyelo", advice="urinary", dept=tx.URO),
        Ask("fever.pregnancy", U, PREG + "; 孕期发热", _adult(lambda c: c.pregnant and (c.temp is None or c.temp >= 38)),
            flag="fever.high", dept=tx.OBGYN),
        Ask("fever.elderly", U, SEPSIS + " 老年人发热易重症",
            _adult(lambda c: c.elderly and ((c.age or 0) >= 75 or (c.temp is not None and c.temp >= 38.5) or
                                            c.has("chills") or c.fever_high)), flag="fever.elderly", advice="fever"),
        # A high fever or rigors in a diabetic: infection raises the glucose toward ketoacidosis or a hyperosmolar
        # state, so the same day (国家基层糖尿病防治管理指南 2022 急性并发症; NICE NG51 rigors).
        Ask("fever.diabetic", U, DM_PRIMARY + "; NICE NG51 糖尿病高热/寒战当天就诊",
            _adult(lambda c: c.diabetic and (c.fever_high or c.has("chills"))), flag="fever.diabetic", advice="fever"),
        Ask("fever.cellulitis_spreading", U, SKIN, _adult(lambda c: c.has("red_swollen") and c.has("spreading")),
            flag="skin.cellulitis", dept=tx.DERM),
        Ask("fever.child_review", R, NICE_FEVER + " 需门诊评估", _child(_child_fever_review), advice="fever_child"),
        Ask("fever.child_unknown_temp", R, NICE_FEVER + "; 体温不明",
            _child(lambda c: not _child_fever_review(c) and c.temp is None and
                   not c.has("active_child", "low_fever_word") and not c.mild("fever")), advice="fever_child"),
        Ask("fever.review", R, URTI + "; 高热/发热≥3天/慢病需门诊", _adult(lambda c: _adult_fever_pattern(c) == "review"),
            advice="fever"),
        Ask("fever.unexplained", R, SEPSIS + "; 原因不明发热门诊",
            _adult(lambda c: _adult_fever_pattern(c) == "unexplained"), advice="fever"),
        # A fever with urinary, skin or ear symptoms: the local protocol answers.
        Ask("fever.local", S, GENERAL, _adult(lambda c: _adult_fever_pattern(c) == "local"), stop=True),
        Ask("fever.child_home", S, NICE_FEVER + " 绿: 无危险信号可居家", _child_fever, advice="fever_child"),
        Ask("fever.viral_home", S, URTI + " 普通病毒感染可居家", _adult(lambda c: _adult_fever_pattern(c) == "viral"),
            advice="fever"),
    ])


def _cough_hours(c: Ctx) -> float | None:
    return c.hours("cough", "sputum")


def _chronic_cough(c: Ctx) -> bool:
    """A cough for three weeks or more, outside known COPD or asthma."""
    h = _cough_hours(c)
    return c.has("cough") and (h is not None and h >= 24 * 21 or c.chronic("cough")) and not c.cond("copd", "asthma")


def _no_cold_symptoms(c: Ctx) -> bool:
    return not c.has("coryza", "sneezing", "cough")


def _cold_hours(c: Ctx) -> float | None:
    return c.hours(*URTI_SX)


def _allergic_rhinitis(c: Ctx) -> bool:
    allergic = c.has("itchy_nose", "itchy_eyes", "allergic_condition", "seasonal") and \
        c.has("sneezing", "coryza", "itchy_nose")
    return (allergic or c.has("allergic_condition")) and not c.fever


# The questions are alternatives, checked in this order; the first that holds answers.
ordered_protocol(
    "respiratory", tx.GP, triggers="cough coryza sore_throat sneezing hoarseness sputum haemoptysis sputum_blood "
    "swollen_glands sinus tonsil_exudate trismus itchy_nose purulent_sputum allergic_condition",
    questions="sore_throat_severe", all_flags=False,
    asks=[
        Ask("resp.haemoptysis", E, CONSENSUS + " Ⅱ级: 活动性出血(咯血)", lambda c: c.has("haemoptysis"),
            flag="resp.haemoptysis", dept=tx.RESP),
        # MHRA Drug Safety Update (2019) carbimazole / NICE CKS hyperthyroidism (2023): sore throat or fever on
        # an antithyroid drug may be agranulocytosis — a blood count the same day.
        Ask("resp.antithyroid_neutropenia", U, "NICE CKS hyperthyroidism (2023); MHRA 2019 抗甲状腺药粒细胞缺乏",
            lambda c: c.has("antithyroid") and (c.has("sore_throat", "mouth_ulcer") or c.fever),
            flag="resp.agranulocytosis", dept=tx.ENDO),
        # NICE CKS sore throat (2023) / acute epiglottitis: drooling or unable to swallow saliva, stridor, a muffled voice
        # or sitting forward to breathe — admit, with or without fever (adults often have none).
        # A mouth that will not open (trismus) is a peritonsillar abscess's, not epiglottitis's (NICE CKS sore
        # throat 2023): its drooling is the pain of swallowing, same-day (below) unless the airway is involved.
        Ask("resp.epiglottitis", E, URTI + " 会厌炎: 流涎、喉鸣、含糊音、前倾坐位",
            lambda c: c.has("sore_throat") and c.has("drooling", "stridor") and
            (c.fever or c.has("stridor", "tripod", "muffled_voice", "dysphagia")) and
            not (c.has("trismus") and not c.has("stridor", "tripod", "dyspnoea", "severe_dyspnoea")),
            flag="resp.upper_airway", dept=tx.ENT),
        Ask("resp.quinsy", U, URTI + " 扁桃体周脓肿: 张口困难、吞咽困难",
            lambda c: c.has("trismus", "muffled_voice") or c.yes("sore_throat_severe") or
            (c.has("sore_throat") and c.has("drooling", "dysphagia") and c.severe("sore_throat", "dysphagia")),
            flag="resp.upper_airway", dept=tx.ENT),
        Ask("resp.young_infant_cough", U, IMCI + " 2个月以下咳嗽需评估",
            lambda c: c.infant and (c.months or 99) < 3 and c.has("cough"), flag="child.breathing", dept=tx.PAED),
        Ask("resp.elderly_pneumonia", U, "CRB-65 (NICE NG138 肺炎); " + SEPSIS,
            lambda c: c.elderly and (c.age or 0) >= 75 and c.fever and c.has("cough"), flag="fever.elderly",
            dept=tx.RESP),
        Ask("resp.chronic_cough", R, TB, _chronic_cough, advice="cold", dept=tx.RESP),
        Ask("resp.tb_screen", R, TB,
            lambda c: c.has("sputum_blood") or (c.has("cough") and c.has("night_sweats", "weight_loss")) or
            (c.has("cough") and (_cough_hours(c) or 0) >= 24 * 14 and c.fever), advice="cold", dept=tx.RESP),
        Ask("resp.chronic_lung_with_infection", R, COPD + "; " + ASTHMA + " 慢性肺病合并感染门诊",
            lambda c: c.cond("copd", "asthma") and c.has("cough", "sputum") and not c.mild("cough"), advice="cold",
            dept=tx.RESP),
        Ask("resp.bacterial_pharyngitis", R, URTI + " Centor/FeverPAIN≥3 分",
            lambda c: c.has("sore_throat") and c.has("tonsil_exudate", "swollen_glands") and
            (c.fever or _no_cold_symptoms(c)), advice="cold", dept=tx.ENT),
        Ask("resp.febrile_pharyngitis", R, URTI + " 发热无咳嗽的咽痛",
            lambda c: c.has("sore_throat") and _no_cold_symptoms(c) and
            (c.fever_high or c.fever and c.temp is None and not c.has("low_fever_word") and not c.mild("fever")),
            advice="cold"),
        Ask("resp.sinusitis", R, URTI + " 鼻窦炎: 症状>10天或加重",
            lambda c: c.has("sinus") and ((_cold_hours(c) or 0) >= 24 * 10 or c.fever or c.severe("sinus")),
            advice="cold", dept=tx.ENT),
        Ask("resp.prolonged", R, URTI + " 症状>2周不好转",
            lambda c: (_cold_hours(c) or 0) >= 24 * 14 and c.current("sore_throat", "hoarseness", "coryza") and
            not c.has("sneezing", "itchy_nose", "residual_cough"), advice="cold"),
        Ask("resp.mono_like", R, URTI + "; 发热咽痛淋巴结肿大乏力(传染性单核细胞增多症)",
            lambda c: c.has("swollen_glands") and c.fever and c.has("fatigue"), advice="cold"),
        Ask("resp.worsening", R, URTI + " 症状加重需门诊",
            lambda c: (c.worsening() and not c.mild(*URTI_SX)) or
            (c.child and c.fever and c.has("cough") and not c.has("active_child") and c.temp is None),
            advice="cold"),
        Ask("resp.allergic_rhinitis", S, URTI + "; 变应性鼻炎可居家", _allergic_rhinitis, advice="allergic_rhinitis"),
    ],
    self_care=Ask("resp.common_cold", S, URTI + " 普通感冒/急性咳嗽可居家", lambda c: True, advice="cold"))


# 手足口病诊疗指南(2018): 易惊、肢体抖动 (myoclonus) are danger signs of brainstem involvement.
_CHILD_DANGER_SIGNS = ("poor_feeding", "lethargy", "unresponsive", "seizure", "cramp_generic", "vomits_everything",
                       "chest_indrawing", "grunting", "cyanosis", "bulging_fontanelle", "stridor", "myoclonus")
_DEHYDRATION_SIGNS = ("sunken_eyes", "no_tears", "skin_pinch_slow", "oliguria", "irritable", "dry_mouth",
                      "sunken_fontanelle", "drinks_eagerly")


def _lethargic(c: Ctx) -> bool:
    """WHO IMCI (2014): lethargic is abnormally sleepy or not responding, not merely less lively: a child who
    is said to still answer, smile or play (active_child) is not, nor one said to be a little less lively than usual
    ("比平时蔫一点": NICE NG143 amber, decreased activity)."""
    return c.has("lethargy") and not c.has("active_child") and \
        not all(m.attenuated for m in c.p.positive.get("lethargy", ()))


def _danger_sign(c: Ctx, signs: tuple[str, ...]) -> bool:
    """A general danger sign; a known epileptic child's usual fit, over and playing again, is the
    consciousness protocol's (urgent), not a new convulsion."""
    skip = {"lethargy"} | ({"seizure", "cramp_generic"} if _settled_known_epilepsy(c) else set())
    return c.has(*(s for s in signs if s not in skip)) or ("lethargy" in signs and _lethargic(c))


def _imci_danger(c: Ctx) -> bool:
    return _danger_sign(c, _CHILD_DANGER_SIGNS) or c.yes("child_danger") or c.yes("child_breath")


def _dehydration_count(c: Ctx) -> int:
    return c.count(*_DEHYDRATION_SIGNS)


def _fast_breathing(c: Ctx) -> bool:
    """Said, or a counted rate at or above the IMCI limit for the age (60 / 50 / 40 / 30 a minute)."""
    m = c.months
    if c.has("fast_breathing"):
        return True
    if c.v.resp_rate is None or m is None:
        return False
    limit = 60 if m < 2 else 50 if m < 12 else 40 if m < 60 else 30
    return c.v.resp_rate >= limit


def _some_dehydration(c: Ctx) -> bool:
    """IMCI some dehydration: one eye, tear, skin-pinch, urine or fontanelle sign, any two signs, or answered."""
    return _dehydration_count(c) >= 1 and \
        c.has("sunken_eyes", "no_tears", "skin_pinch_slow", "oliguria", "sunken_fontanelle") or \
        _dehydration_count(c) >= 2 or c.yes("child_dehyd")


def _young_infant(c: Ctx) -> bool:
    return c.months is not None and c.months < 2


def _child_without_danger_sign(pred):
    """A finding looked at in a child without a general danger sign (that child is referred at once and
    nothing else is recorded)."""
    return lambda c: c.child and not _imci_danger(c) and pred(c)


# In an adult only an older person who stops eating and drinking is this protocol's. A child's urgent
# findings are each recorded (record_below=U), so their flags and advice reach the doctor.
ordered_protocol(
    "child_danger", tx.PAED, when=lambda c: c.child,
    triggers="poor_feeding lethargy fast_breathing chest_indrawing grunting sunken_eyes no_tears skin_pinch_slow "
             "pallor myoclonus "
             "bulging_fontanelle sunken_fontanelle irritable oliguria dry_mouth",
    questions="child_danger child_breath child_dehyd", record_below=U,
    asks=[
        Ask("child.explained_by_motion_sickness", E, "NICE CKS motion sickness (2023)", explained_by_motion_sickness,
            stop=True),
        # A general danger sign or chest indrawing: urgent referral, nothing else recorded.
        Ask("child.imci_danger", E, IMCI + " 一般危险体征/胸凹陷 -> 紧急转诊", lambda c: c.child and _imci_danger(c),
            flag="child.danger", advice="child_danger"),
        # Never answers today: lethargy is itself a general danger sign, answered above.
        Ask("child.severe_dehydration", E, IMCI + " 重度脱水(方案C)",
            _child_without_danger_sign(lambda c: _dehydration_count(c) >= 2 and _lethargic(c)),
            flag="child.dehydration_severe", advice="child_danger"),
        Ask("child.fast_breathing_young_infant", E, IMCI + " <2个月呼吸≥60次: 严重疾病",
            _child_without_danger_sign(lambda c: _fast_breathing(c) and _young_infant(c)), flag="child.breathing",
            advice="child_danger"),
        Ask("child.elderly_not_eating", U, GENERAL + "; 老人不吃不喝",
            lambda c: not c.child and c.has("poor_feeding") and c.elderly, flag="gi.dehydration", dept=tx.GP),
        Ask("child.neonatal_jaundice", U, IMCI + " 新生儿黄疸",
            _child_without_danger_sign(lambda c: c.current("jaundice") and c.months is not None and c.months < 1),
            flag="child.neonatal_jaundice"),
        Ask("child.pallor", U, NICE_FEVER + " 黄/红: 面色苍白; 腹泻后苍白少尿警惕溶血尿毒综合征",
            _child_without_danger_sign(lambda c: c.has("pallor") and
                                       c.has("diarrhoea", "bloody_stool", "fever", "vomiting")),
            flag="child.dehydration"),
        Ask("child.some_dehydration", U, IMCI + " 有些脱水(方案B)",
            _child_without_danger_sign(_some_dehydration), flag="child.dehydration", advice="gi_fluids"),
        Ask("child.fast_breathing", U, IMCI + " 呼吸增快: 肺炎",
            _child_without_danger_sign(lambda c: _fast_breathing(c) and not _young_infant(c)), flag="child.breathing"),
        Ask("child.irritable", R, IMCI + " 需评估",
            _child_without_danger_sign(lambda c: c.has("irritable", "dry_mouth")), advice="fever_child"),
    ])


_NEURO_HYPO = ("confusion", "unresponsive", "seizure", "drowsy", "hypo_coma", "speech")
_DKA_SX = ("vomiting", "persistent_vomiting", "vomits_everything", "nausea", "abdominal_pain", "kussmaul", "drowsy",
           "confusion", "acetone_breath", "dyspnoea", "unresponsive")


def _hypo_context(c: Ctx) -> bool:
    g = c.v.glucose
    # On insulin or a sulfonylurea one autonomic symptom is enough to suspect a low (ADA Standards of Care 2024
    # §6: these are the medicines that cause hypoglycaemia).
    autonomic = c.count("sweating", "tremor", "hunger", "palpitations")
    return (g is not None and g < HYPO_LEVEL1_BELOW and not _low_normal_without_diabetes(c)) or \
        c.has("hypo_reported", "hypo_coma") or \
        (c.diabetic and autonomic >= 2) or (_hypoglycaemic_drug(c) and autonomic >= 1) or c.yes("hypo_sx")


def _low_normal_without_diabetes(c: Ctx) -> bool:
    """A value of 3.0-3.9 in someone who says they have no diabetes and takes nothing for it, with no symptom: not
    hypoglycaemia (ADA Standards of Care 2024 §6 and Endocrine Society 2009: outside diabetes a low needs Whipple's
    triad — symptoms, a low value under 3.0 (55 mg/dL), relief with sugar)."""
    g = c.v.glucose
    return g is not None and g >= HYPO_LEVEL2_BELOW and c.no("cond_diabetes") and not _hypoglycaemic_drug(c) and \
        not c.has("sweating", "tremor", "hunger", "palpitations", "confusion", "drowsy", "dizziness", "syncope")


def hypo_treated_and_recovered(c: Ctx) -> bool:
    """Named explained-evidence rule (ADA Standards of Care 2024 §6 hypoglycaemia: 15 g of fast sugar, re-check
    after 15 minutes): a low value treated with sugar and measured again at ≥ 3.9 mmol/L in an alert resident is a
    treated hypo — a same-day call (the level-1 question, urgent), not an emergency. Never with a change of
    consciousness, a fit, or a repeat value still below 3.9."""
    after = c.v.glucose_after_treatment
    return after is not None and after >= HYPO_LEVEL1_BELOW and not c.has(*_NEURO_HYPO)


def hypo_refractory(c: Ctx) -> bool:
    """A low still below 3.9 mmol/L when measured again after sugar, caused by a sulfonylurea or by a double dose of
    insulin or of a sulfonylurea ("吃了两块糖…又测3.1…格列美脲吃重了"): such lows last for hours and come back after
    each treatment (ADA Standards of Care 2024 §6; 中国2型糖尿病防治指南 2020: 磺脲类药物所致低血糖需长时间观察) —
    an emergency, not a repeat at home."""
    after = c.v.glucose_after_treatment
    return after is not None and after < HYPO_LEVEL1_BELOW and \
        (c.cond("sulfonylurea") or c.has("cond_sulfonylurea") or _hypoglycaemic_drug(c) and c.has("double_dose"))


def _mild_hypo_over(c: Ctx) -> bool:
    """A measured level-1 low (3.0-3.9) that is over — treated and recovered, or days ago — in an alert resident
    (ADA Standards of Care 2024 §6: review the regimen; not a same-day call)."""
    g = c.v.glucose
    level1 = g is not None and g >= HYPO_LEVEL2_BELOW   # a low without its value stays a same-day call
    over = c.resolved() or hypo_treated_and_recovered(c) or (c.hours("hypo_reported") or 0) >= 48
    return level1 and over and not c.has(*_NEURO_HYPO)


def _above_target(c: Ctx) -> bool:
    """Above target: fasting or before a meal 7.0 or more, at any time 10.0 or more (中国2型糖尿病防治指南 2020), or
    7.0 or more said to stay there ("还是9到10", "一直七点多"). One reading of 7-10 at a time not said is within the
    after-meal target: the team acts on the week's fasting mean (docs/clinical_rules.md G-T1), not on one value."""
    g = c.v.glucose
    if g is None:
        return False
    n = c.p.numbers
    return g >= 10.0 or g >= 7.0 and (n.glucose_fasting or n.glucose_sustained or c.has("persistent") or c.chronic())


def _impaired_glucose_without_diabetes(c: Ctx) -> bool:
    """A health check's value (体检), or one of someone who says they have no diabetes: fasting 6.1 or more (a health
    check's glucose is a fasting one), or 7.8 or more after a meal, is a screening result, not a value within a
    patient's target. A resident who only reports a value is taken to be one of the program's patients with diabetes,
    whose targets apply."""
    if c.diabetic or _hypoglycaemic_drug(c) or \
            not (c.has("health_check") or c.no("cond_diabetes")):
        return False
    g, after = c.v.glucose, c.v.glucose_after_meal
    fasting = c.p.numbers.glucose_fasting or c.has("health_check")
    return (g is not None and fasting and g >= IFG_FASTING_FROM) or \
        (after is not None and after >= IGT_TWO_HOUR_FROM) or \
        (g is not None and not fasting and g >= IGT_TWO_HOUR_FROM)


def _glu(c: Ctx, below: float | None = None, at_least: float | None = None) -> bool:
    g = c.v.glucose
    return g is not None and (below is None or g < below) and (at_least is None or g >= at_least)


ordered_protocol(
    "glucose", tx.ENDO, triggers="hypo_reported hyper_reported polydipsia acetone_breath hypo_coma glucose_normal "
    "ketonuria",
    when=lambda c: c.v.glucose is not None or c.v.glucose_after_meal is not None or _hypo_context(c),
    questions="glucose hypo_sx",
    asks=[
        Ask("glu.hypo_level2", E, DM + " 2级低血糖<3.0; " + CONSENSUS + " Ⅰ级: 血糖<3.33",
            lambda c: _glu(c, below=HYPO_LEVEL2_BELOW) and not hypo_treated_and_recovered(c),
            flag="glu.hypo_severe", advice="hypo"),
        Ask("glu.hypo_level3", E, DM + " 3级低血糖: 意识改变", lambda c: _hypo_context(c) and c.has(*_NEURO_HYPO),
            flag="glu.hypo_neuro", advice="hypo"),
        Ask("glu.hypo_refractory", E, DM + "; ADA Standards of Care 2024 §6: 复测仍<3.9需再次处理; 磺脲类或过量胰岛素所致低血糖"
            "持续时间长、易反复, 需医院观察", hypo_refractory, flag="glu.hypo_refractory", advice="hypo"),
        # A meter's HI or 33.3 or more in someone said to feel well, with no symptom told, is G-U2's same-day call
        # (docs/clinical_rules.md §2.6: home data cannot diagnose HHS; HI with symptoms is the emergency).
        Ask("glu.hhs", E, HYPERGLY + " HHS: 血糖≥33.3",
            lambda c: _glu(c, at_least=33.3) and
            not (_stated_well(c) and not any_finding_present(c, ("glucose", "hyper_reported"))),
            flag="glu.hhs", advice="hyper"),
        Ask("glu.dka", E, DESIGN + " ≥16.7伴呕吐/腹痛/深大呼吸/嗜睡; " + HYPERGLY,
            lambda c: (_glu(c, at_least=HYPER_URGENT) or c.has("hyper_reported") and c.v.glucose is None) and
            c.has(*_DKA_SX), flag="glu.dka", advice="hyper"),
        Ask("glu.dka_signs", E, HYPERGLY,
            lambda c: c.has("acetone_breath", "ketonuria") and c.has("vomiting", "kussmaul", "drowsy", "abdominal_pain"),
            flag="glu.dka", advice="hyper"),
        # ISPAD 2022 (DKA): a third of children's type 1 diabetes first shows as ketoacidosis — thirst and passing much
        # urine with weight loss, then vomiting, belly pain and deep fast breathing — before anyone knows of diabetes.
        Ask("glu.dka_suspected", E, HYPERGLY + "; " + DM_PRIMARY + "; ISPAD 2022 疑似酮症酸中毒: 口渴多尿伴呕吐腹痛/深快呼吸",
            lambda c: (c.diabetic or c.child or c.has("weight_loss", "kussmaul")) and c.has("polydipsia") and c.count(
                "vomiting", "persistent_vomiting", "abdominal_pain", "kussmaul", "drowsy", "confusion",
                "fast_breathing", "dyspnoea") >= 2, flag="glu.dka", advice="hyper"),
        Ask("glu.hypo_level1", U, DM + " 1级低血糖3.0-3.9: 立即进食糖并当天联系",
            lambda c: _hypo_context(c) and not _glu(c, at_least=HYPO_LEVEL1_BELOW) and not _mild_hypo_over(c),
            flag="glu.hypo", advice="hypo"),
        Ask("glu.high", U, DESIGN + " 血糖≥16.7当天联系; " + DM_PRIMARY, lambda c: _glu(c, at_least=HYPER_URGENT),
            flag="glu.high", advice="hyper"),
        # Ketones in the urine (or on the breath) of a resident on insulin: the sick-day rules call the team the
        # same day (ADA Standards of Care 2024 §6/§14; 中国高血糖危象诊断与治疗指南 2013); with vomiting, belly pain
        # or deep breathing it is DKA (above).
        Ask("glu.ketosis_smell", U, HYPERGLY, lambda c: c.has("acetone_breath", "ketonuria"), flag="glu.dka",
            advice="hyper"),
        Ask("glu.child_new_t1d", U, "NICE NG18 (2023): 疑似1型糖尿病儿童当天转诊",
            lambda c: c.child and c.has("polydipsia") and c.has("weight_loss", "fatigue", "enuresis"),
            flag="glu.new_t1d", dept=tx.PAED),
        # A stored reading that is not acute does not change this complaint's triage.
        Ask("glu.stored_reading", R, DESIGN, lambda c: c.v.glucose is not None and "glucose" not in c.stated and
            not c.has("hyper_reported", "polydipsia", "glucose_normal"), stop=True),
        # clinical_rules G-U1: a level-1 low twice in a week, or at night, on insulin or a sulfonylurea: the
        # medicines are reviewed within 48 hours.
        # One glucose on the day of a missed dose (a named rule above): the missed-dose answer stands.
        Ask("glu.explained_by_missed_dose", E, "中国2型糖尿病防治指南(2020)", explained_by_missed_dose, stop=True),
        Ask("glu.hypo_recurrent_or_nocturnal", U, DM + "; G-U1 一周≥2次或夜间低血糖: 48小时内调整用药",
            lambda c: _hypo_context(c) and _mild_hypo_over(c) and (c.recurrent("hypo_reported", "glucose") or
                                                                   c.has("nocturnal", "again_this_week")),
            flag="glu.hypo", advice="hypo"),
        Ask("glu.hypo_treated", R, DM + " 1级低血糖已纠正: 门诊调整用药",
            lambda c: _hypo_context(c) and _mild_hypo_over(c), flag="glu.hypo", advice="hypo"),
        Ask("glu.screen_impaired", R, DM + " 糖代谢状态分类: 空腹6.1-7.0空腹血糖受损、餐后2小时7.8-11.1糖耐量减低, 门诊复查或OGTT",
            _impaired_glucose_without_diabetes, advice="hyper"),
        Ask("glu.above_target", R, DM + " 空腹4.4-7.0、非空腹<10.0; " + DM_PRIMARY + "; docs/clinical_rules.md G-T1",
            lambda c: _above_target(c) or c.has("hyper_reported") or
            c.has("polydipsia") and not explained_by_hangover(c) and not explained_by_heat(c), advice="hyper"),
    ],
    self_care=Ask("glu.in_range", S, DM + " 血糖在目标范围(空腹4.4-7.0、餐后<10.0)",
                  lambda c: c.v.glucose is not None or c.v.glucose_after_meal is not None))


def _bp_high(c: Ctx) -> bool:
    s, d = c.v.systolic, c.v.diastolic
    return (s is not None and s >= ACUTE_SBP) or (d is not None and d >= ACUTE_DBP)


def _bp_red(c: Ctx) -> bool:
    return c.has("chest_pain", "chest_tightness", "dyspnoea", "severe_dyspnoea", "orthopnoea", "confusion",
                 "unresponsive", "seizure", "vision_loss", "blurred_vision", "diplopia", *STROKE_SIGNS,
                 "unilateral_numbness", "persistent_vomiting", "thunderclap") or \
        (c.has("headache") and (c.severe("headache") or c.has("vomiting", "nausea") or not c.mild("headache"))) or \
        (c.has("vomiting") and c.has("headache", "dizziness"))


def _bp_at_least(c: Ctx, sbp: float, dbp: float) -> bool:
    return (c.v.systolic or 0) >= sbp or (c.v.diastolic or 0) >= dbp


def _bp_low_sx(c: Ctx) -> bool:
    return c.has("dizziness", "syncope", "near_syncope", "fatigue", "orthostatic", "sweating", "confusion")


def _at_90_under_60(c: Ctx) -> bool:
    """90 systolic with a diastolic under 60 is low too (AHA, low blood pressure: under 90/60)."""
    return c.v.systolic is not None and c.v.systolic <= LOW_SBP and c.v.diastolic is not None and c.v.diastolic < 60


def _sbp_low(c: Ctx) -> bool:
    return c.v.systolic is not None and c.v.systolic < LOW_SBP


def _low_reported(c: Ctx) -> bool:
    return c.has("low_bp_reported") and c.v.systolic is None


ordered_protocol(
    "blood_pressure", tx.CARDIO, triggers="high_bp_reported low_bp_reported", obstetric=True, questions="bp",
    when=lambda c: c.v.systolic is not None or c.v.diastolic is not None,
    asks=[
        Ask("bp.pregnancy_severe", E, PREG + " 重度子痫前期: ≥160/110", lambda c: c.pregnant and _bp_at_least(c, 160, 110),
            flag="bp.pregnancy", advice="pregnancy", dept=tx.OBGYN),
        Ask("bp.hypertensive_emergency", E, HTN + " 2.血压≥180/110伴剧烈头痛、呕吐、胸痛、气短或神经症状; " + DESIGN,
            lambda c: _bp_high(c) and _bp_red(c), flag="bp.emergency", advice="bp_high"),
        Ask("bp.shock", E, CONSENSUS + " Ⅰ/Ⅱ级: 收缩压<80或血压测不出伴意识改变",
            lambda c: _low_reported(c) and c.has("confusion", "unresponsive", "syncope", "sweating") or
            (c.v.systolic is not None and c.v.systolic < 80), flag="vital.sbp_very_low", advice="bp_low"),
        Ask("bp.severe_no_symptoms", U, DESIGN + " ≥180/110无危险症状: 当天联系并转诊; " + HTN, _bp_high,
            flag="bp.severe", advice="bp_high"),
        Ask("bp.pregnancy", U, PREG + " 孕期血压≥140/90", lambda c: c.pregnant and _bp_at_least(c, 140, 90),
            flag="bp.pregnancy", advice="pregnancy", dept=tx.OBGYN),
        # 共识(2018) Ⅱ级 休克; NICE NG51 sepsis (2016): systolic < 90 with fever, fainting, confusion or drowsiness, mottled or
        # pale and sweating skin, or a pulse of 110 or more is shock, not a low reading (a blackout on standing
        # up alone is orthostatic: urgent below).
        Ask("bp.shock", E, CONSENSUS + " Ⅱ级: 休克表现; NICE NG51 sepsis 收缩压<90",
            lambda c: _sbp_low(c) and (c.fever or c.has("syncope", "confusion", "drowsy", "unresponsive", "mottled") or
                                        c.has("pallor") and c.has("sweating") or (c.v.pulse or 0) >= 110),
            flag="vital.sbp_low", advice="bp_low"),
        Ask("bp.low_symptomatic", U, DESIGN + " 收缩压<90伴头晕/晕厥: 当天联系; " + CONSENSUS + " Ⅲ级; AHA <90/60",
            lambda c: (_sbp_low(c) or _at_90_under_60(c)) and _bp_low_sx(c), flag="vital.sbp_low", advice="bp_low"),
        Ask("bp.low_reported_symptomatic", U, DESIGN, lambda c: _low_reported(c) and _bp_low_sx(c),
            flag="vital.sbp_low", advice="bp_low"),
        Ask("bp.low", R, DESIGN + " 收缩压<90无症状", _sbp_low, advice="bp_low"),
        Ask("bp.low_reported", R, DESIGN, _low_reported, advice="bp_low"),
        # A stored home reading that is not acute does not change this complaint's triage.
        Ask("bp.stored_reading", R, DESIGN, lambda c: not ({"systolic", "diastolic"} & c.stated) and
            not c.has("high_bp_reported", "low_bp_reported", "bp_normal"), stop=True),
        # One reading after a missed dose (a named rule above): the missed-dose answer stands.
        Ask("bp.explained_by_missed_dose", E, "中国家庭血压监测指南(2019)", explained_by_missed_dose, stop=True),
        Ask("bp.uncontrolled", R, HTN + " 血压未达标: 家庭医生随访调药",
            lambda c: _bp_at_least(c, 140, 90) or (c.has("high_bp_reported") and c.v.systolic is None),
            advice="bp_high"),
        # Home 135/85 is the target under 65; from 65 the office target is < 150/90 (< 140/90 if tolerated: 国家基层
        # 高血压防治管理指南 2020), so a home reading under 140/90 is in range (docs/clinical_rules.md §1.2).
        Ask("bp.home_above_target", R, DESIGN + " 家庭血压≥135/85",
            lambda c: c.v.systolic is not None and _bp_at_least(c, 135, 85) and not c.elderly, advice="bp_high"),
    ],
    otherwise=("bp.prescription", HTN + " 长期随访: 续开处方、调整用药由家庭医生决定", "medicine"),
    self_care=Ask("bp.in_range", S, DESIGN + " 血压在目标范围",
                  lambda c: c.v.systolic is not None and not c.has("refill_request")))


def _adult_pulse(pred):
    return lambda c: c.v.pulse is not None and not c.child and pred(c.v.pulse, c)


def _cardio_symptoms(c: Ctx) -> bool:
    return c.has(*CARDIO_SX)


def _spo2_limits(c: Ctx) -> tuple[int, int]:
    """(emergency below, urgent below): COPD targets 88-92% (GOLD), others 94%."""
    return (88, 92) if c.cond("copd") else (90, 94)


def _adult_rr(pred):
    return lambda c: c.v.resp_rate is not None and not c.child and pred(c.v.resp_rate)


# Serum potassium told from a lab slip. UK Kidney Association, Treatment of Acute Hyperkalaemia in Adults (2020):
# mild 5.5-5.9, moderate 6.0-6.4, severe >= 6.5 mmol/L — severe is an emergency (arrhythmia risk), moderate is
# treated the same day; with weakness or palpitations a moderate value is an emergency too. Hypokalaemia
# (中国慢性肾脏病患者血钾管理实践专家共识, 2020): < 2.5 mmol/L is severe, 2.5-2.9 moderate.
K_SRC = "UK Kidney Association 高钾血症指南(2020): 轻度5.5-5.9、中度6.0-6.4、重度≥6.5; 中国慢性肾脏病患者血钾管理实践专家共识(2020)"
_K_SX = ("fatigue", "palpitations", "syncope", "dyspnoea", "chest_pain", "unilateral_weakness")


def _k(c: Ctx) -> float | None:
    return c.p.numbers.potassium


ordered_protocol(
    "potassium", tx.ED, when=lambda c: _k(c) is not None, paediatric=False, record_below=R,
    asks=[
        Ask("k.severe_high", E, K_SRC + " 重度高钾急诊", lambda c: _k(c) >= 6.5 or _k(c) >= 6.0 and c.has(*_K_SX),
            flag="lab.potassium_high"),
        Ask("k.severe_low", E, K_SRC + " 血钾<2.5或伴无力心悸急诊", lambda c: _k(c) < 2.5 or _k(c) < 3.0 and c.has(*_K_SX),
            flag="lab.potassium_low"),
        Ask("k.moderate_high", U, K_SRC + " 中度高钾当天就医", lambda c: _k(c) >= 6.0, flag="lab.potassium_high"),
        Ask("k.moderate_low", U, K_SRC + " 血钾2.5-2.9当天就医", lambda c: _k(c) < 3.0, flag="lab.potassium_low"),
        Ask("k.mild", R, K_SRC + " 轻度异常门诊复查调整用药", lambda c: _k(c) >= 5.5 or _k(c) < 3.5, dept=tx.GP),
    ])


# A haemodialysis session missed (KDIGO / UK Kidney Association hyperkalaemia 2020; 血液净化标准操作规程 2021): potassium
# and fluid build up until the next one. Weakness, palpitations, numbness round the mouth or breathlessness after a
# missed session are hyperkalaemia or fluid overload until shown otherwise — an emergency; without them the dialysis
# centre makes the session up the same day.
ordered_protocol(
    "dialysis", tx.ED, triggers="missed_dialysis", paediatric=False,
    asks=[
        Ask("dialysis.missed_with_symptoms", E, K_SRC + "; 血液透析漏透伴无力、心悸、口周麻木或气促: 高钾/容量负荷急诊",
            lambda c: c.has(*_K_SX, "numbness", "orthopnoea", "leg_swelling", "severe_dyspnoea"),
            flag="lab.potassium_high"),
        Ask("dialysis.missed", U, K_SRC + "; 漏透当天联系透析中心补透", lambda c: True),
    ])


# Each abnormal vital sign is a rule of its own: the lower ones that also hold are recorded (record_below).
ordered_protocol(
    "vital_signs", tx.ED, when=lambda c: c.v.pulse is not None or c.v.spo2 is not None or c.v.resp_rate is not None,
    paediatric=False, record_below=R,
    asks=[
        Ask("vital.pulse_extreme", E, CONSENSUS + " Ⅰ级 >180/<40, Ⅱ级 150-180",
            _adult_pulse(lambda p, c: p >= 150 or p < 40), flag="vital.pulse_extreme", advice="palpitations"),
        Ask("vital.pulse_40_50", E, CONSENSUS + " Ⅱ级: 心率40-50",
            _adult_pulse(lambda p, c: 40 <= p < 50 and _cardio_symptoms(c)), flag="vital.pulse_abnormal",
            dept=tx.CARDIO),
        Ask("vital.child_pulse_extreme", E, CONSENSUS + " 儿童心率极端",
            lambda c: c.v.pulse is not None and c.child and (c.v.pulse > 220 or c.v.pulse < 60),
            flag="vital.pulse_extreme"),
        Ask("vital.spo2_lt_90", E, CONSENSUS + " Ⅱ级: SpO2 80-90%, Ⅰ级 <80%; " + COPD,
            lambda c: c.v.spo2 is not None and c.v.spo2 < _spo2_limits(c)[0], flag="vital.spo2_very_low",
            advice="dyspnoea"),
        Ask("vital.rr", E, SEPSIS + " 呼吸≥30次/分", _adult_rr(lambda rr: rr >= 30 or rr < 8), flag="vital.rr_high",
            advice="dyspnoea"),
        Ask("vital.pulse_40_50", U, CONSENSUS + " Ⅱ级: 心率40-50",
            _adult_pulse(lambda p, c: 40 <= p < 50 and not _cardio_symptoms(c)), flag="vital.pulse_abnormal",
            dept=tx.CARDIO),
        # 100-150 with symptoms or above 120; a fever explains up to 120.
        Ask("vital.pulse_100_150", U, CONSENSUS + " Ⅲ级: 心率100-150",
            _adult_pulse(lambda p, c: 100 < p < 150 and (_cardio_symptoms(c) or p > 120) and
                         not (c.fever and p <= 120)), flag="vital.pulse_abnormal", dept=tx.CARDIO),
        Ask("vital.spo2_90_93", U, CONSENSUS + " Ⅲ级: SpO2 90-94%",
            lambda c: c.v.spo2 is not None and _spo2_limits(c)[0] <= c.v.spo2 < _spo2_limits(c)[1],
            flag="vital.spo2_low", dept=tx.RESP, advice="dyspnoea"),
        Ask("vital.rr_24", U, SEPSIS + " 呼吸≥24次/分", _adult_rr(lambda rr: 24 <= rr < 30), flag="vital.rr_high",
            dept=tx.RESP),
        Ask("vital.pulse_borderline", R, CONSENSUS + " 心率轻度异常",
            _adult_pulse(lambda p, c: 50 <= p < 150 and (p > 100 or p < 55) and _cardio_symptoms(c) and
                         not (p > 100 and (_cardio_symptoms(c) or p > 120) and not (c.fever and p <= 120))),
            dept=tx.CARDIO),
    ],
    # An adult's pulse of 50-100, oxygen of 95 or more and breathing of 12-20 are normal (AHA: resting heart rate
    # 60-100, 50-60 in the fit; NEWS2 scores 0 for SpO2 >= 96 and breathing 12-20): a question about them alone, with
    # no complaint beside it, is answered.
    self_care=Ask("vital.in_range", S, CONSENSUS + "; NEWS2 (RCP 2017) 生命体征在正常范围",
                  lambda c: not c.child and not any_finding_present(c, ("pulse", "spo2")) and
                  not c.has("bp_medicine", "high_risk_medicine", "regular_medicine") and   # a medicine's review
                  (c.v.pulse is None or 50 <= c.v.pulse <= 100) and
                  (c.v.spo2 is None or c.v.spo2 >= 95) and (c.v.resp_rate is None or 12 <= c.v.resp_rate <= 20)))


def _from_20_weeks(c: Ctx) -> bool:
    return c.preg_weeks is None or c.preg_weeks >= 20


def _quickening_overdue(c: Ctx) -> bool:
    """No movement felt yet at 24 weeks or more, or at an unknown week (RCOG GTG57: felt by 24 weeks)."""
    return c.has("quickening_not_yet") and (c.preg_weeks is None or c.preg_weeks >= 24)


def _preterm(c: Ctx) -> bool:
    return c.preg_weeks is not None and 20 <= c.preg_weeks < 37


ordered_protocol(
    "pregnancy", tx.OBGYN, paediatric=False, obstetric=True,
    when=lambda c: c.pregnant and c.has("vaginal_bleeding", "reduced_fetal_movement", "no_fetal_movement", "rom",
                                        "contractions", "braxton_hicks", "quickening_not_yet",
                                        "morning_sickness", "face_swelling", "leg_swelling", "seizure",
                                        "abdominal_pain", "persistent_vomiting", "itch", "trauma", "fall",
                                        "headache", "blurred_vision"),
    questions="preg_bleed",
    asks=[
        Ask("preg.eclampsia", E, PREG + " 子痫", lambda c: c.has("seizure"), flag="preg.eclampsia", advice="pregnancy"),
        # 妊娠期高血压疾病诊治指南(2020) 重度子痫前期: from 20 weeks, a raised pressure with a severe headache, spots
        # or blurring before the eyes or pain under the ribs — or a pressure of 160/110 — goes to hospital now.
        Ask("preg.severe_preeclampsia", E, PREG + " 重度子痫前期",
            lambda c: _from_20_weeks(c) and (_bp_at_least(c, 160, 110) or _bp_at_least(c, 140, 90) and
                                             (c.severe("headache") or c.has("blurred_vision", "near_syncope",
                                                                            "epigastric"))),
            flag="preg.headache", advice="pregnancy"),
        Ask("preg.heavy_bleeding", E, PREG + "; " + CONSENSUS + " Ⅱ级: 异位妊娠/严重出血",
            lambda c: c.has("vaginal_bleeding") and (c.severe("vaginal_bleeding") or
                                                     c.has("uncontrolled_bleeding", "dizziness", "syncope",
                                                           "near_syncope", "heavy_bleeding_word") or
                                                     c.severe("abdominal_pain")),
            flag="preg.bleeding", advice="pregnancy"),
        Ask("preg.preterm_labour", E, PREG + "; NICE NG25 preterm labour (2022): 37周前破水伴宫缩",
            lambda c: c.has("rom") and c.has("contractions") and _preterm(c), flag="preg.labour",
            advice="pregnancy"),
        Ask("preg.ectopic_collapse", E, PREG + " 孕期腹痛伴晕厥(异位妊娠破裂/胎盘早剥)",
            lambda c: c.has("abdominal_pain") and c.has("syncope", "near_syncope"),
            flag="preg.bleeding", advice="pregnancy"),
        Ask("preg.abruption_signs", E, PREG + " 胎动减少伴腹痛出血(胎盘早剥)",
            lambda c: c.has("reduced_fetal_movement", "no_fetal_movement") and c.has("vaginal_bleeding", "abdominal_pain"),
            flag="preg.fetal_movement", advice="pregnancy"),
        # RCOG GTG57 (2011) reduced fetal movements: no movement felt at all is assessed at once (fetal heart
        # first); fewer movements than usual are assessed the same day (below).
        Ask("preg.no_fetal_movement", E, PREG + "; RCOG GTG57 胎动消失立即评估",
            lambda c: c.has("no_fetal_movement") and _from_20_weeks(c),
            flag="preg.fetal_movement", advice="pregnancy"),
        Ask("preg.bleeding", U, PREG + " 孕期出血、流水或宫缩当天评估",
            lambda c: c.has("vaginal_bleeding") or c.yes("preg_bleed"), flag="preg.bleeding", advice="pregnancy"),
        Ask("preg.rom", U, PREG + " 胎膜早破立即去医院", lambda c: c.has("rom"), flag="preg.rom", advice="pregnancy"),
        Ask("preg.fetal_movement", U, PREG + " 胎动减少当天评估",
            lambda c: c.has("reduced_fetal_movement", "no_fetal_movement") or _quickening_overdue(c),
            flag="preg.fetal_movement", advice="pregnancy"),
        Ask("preg.contractions", U, PREG + " 规律宫缩", lambda c: c.has("contractions") and _from_20_weeks(c),
            flag="preg.labour", advice="pregnancy"),
        Ask("preg.oedema", U, PREG + " 突发面部/手部水肿(子痫前期)",
            lambda c: c.has("face_swelling") or (c.has("leg_swelling") and c.sudden("leg_swelling")),
            flag="preg.headache", advice="pregnancy"),
        Ask("preg.trauma", U, PREG + " 孕期腹部外伤", lambda c: c.has("trauma", "fall") and _from_20_weeks(c),
            flag="preg.pain", advice="pregnancy"),
        Ask("preg.itch", R, PREG + " 妊娠期肝内胆汁淤积待排", lambda c: c.has("itch") and _from_20_weeks(c),
            advice="pregnancy"),
        Ask("preg.mild_oedema", R, PREG + " 轻度下肢水肿测血压", lambda c: c.has("leg_swelling"), advice="pregnancy"),
    ],
    self_care=Ask("preg.morning_sickness", S, PREG + " 早孕反应可居家",
                  lambda c: c.has("morning_sickness", "vomiting", "nausea"), advice="gi_fluids"))


# RCOG GTG57 (2011): movements are first felt between 16 and 24 weeks (later in a first pregnancy); NICE CKS
# antenatal care: irregular painless tightenings that settle with rest are Braxton Hicks contractions. Without
# pain, bleeding, fluid or fewer movements: what to expect, and when to call.
def _preg_reassurance(c: Ctx) -> bool:
    return c.has("braxton_hicks", "quickening_not_yet") and not c.has(
        "abdominal_pain", "vaginal_bleeding", "rom", "reduced_fetal_movement", "no_fetal_movement", "contractions",
        "headache", "blurred_vision", "face_swelling", "back_pain") and not _quickening_overdue(c)


reassurance_protocol("pregnancy_reassurance", tx.OBGYN, when=lambda c: c.pregnant and _preg_reassurance(c),
                     rule="preg.expected_changes", source=PREG + "; RCOG GTG57 胎动16-24周出现; 假宫缩(不规律、不痛)",
                     advice="pregnancy_expected", paediatric=False, obstetric=True)


def _testicular(c: Ctx) -> bool:
    return c.has("testicular_pain")


def _menopause(c: Ctx) -> bool:
    """Periods stopped for a year or more at 45 or over ("65岁 停经十几年了"): the menopause, not a missed period —
    bleeding after it is NICE NG12's two-week referral (below), not a possible pregnancy."""
    return (c.hours("amenorrhoea") or 0) >= 8760 and (c.age is None or c.age >= 45)


def _heavy_bleeding(c: Ctx) -> bool:
    return not _testicular(c) and c.has("vaginal_bleeding", "menorrhagia")


def _period_pain_self_care(c: Ctx) -> bool:
    return period_pain(c) and not c.severe("dysmenorrhoea", "abdominal_pain") and \
        not c.has("vaginal_bleeding", "menorrhagia")


# The questions are alternatives, checked in this order; the first that holds answers.
ordered_protocol(
    "gynae", tx.OBGYN, paediatric=False, when=lambda c: period_pain(c),
    triggers="vaginal_bleeding menorrhagia dysmenorrhoea amenorrhoea vaginal_discharge testicular_pain lump",
    all_flags=False,
    asks=[
        # Bleeding in pregnancy: the pregnancy protocol answers.
        Ask("gyn.pregnancy_bleeding", E, PREG, lambda c: c.pregnant and c.has("vaginal_bleeding"), stop=True),
        Ask("gyn.explained_by_maternal_hormones", E, "NHS newborn baby's health (2023)", explained_by_maternal_hormones,
            stop=True),
        Ask("gyn.explained_by_vaccine_reaction", E, "预防接种工作规范(2016)", explained_by_vaccine_reaction, stop=True),
        Ask("gyn.torsion", E, CONSENSUS + " Ⅱ级: 睾丸扭转; NICE CKS scrotal pain (2023): 青少年急性阴囊痛伴肿/呕吐按扭转",
            lambda c: _testicular(c) and (c.sudden("testicular_pain") or c.severe("testicular_pain") or
                                          (c.age is not None and c.age < 25 and
                                           c.has("vomiting", "nausea", "swelling_generic"))) and
            not _epididymo_orchitis(c), flag="gyn.testicular", dept=tx.URO),
        Ask("gyn.heavy_bleeding", E, BLEED,
            lambda c: _heavy_bleeding(c) and c.has("syncope", "near_syncope", "uncontrolled_bleeding"),
            flag="gyn.heavy_bleeding", advice="bleeding"),
        Ask("gyn.orchitis", U, UTI + " 附睾睾丸炎", lambda c: _testicular(c) and c.fever, dept=tx.URO),
        Ask("gyn.heavy_bleeding", U, BLEED,
            lambda c: _heavy_bleeding(c) and (c.has("dizziness") or c.severe("vaginal_bleeding", "menorrhagia")),
            flag="gyn.heavy_bleeding", advice="bleeding"),
        Ask("gyn.bleeding_after_missed_period", U, PREG + " 停经后出血(流产/宫外孕待排)",
            lambda c: not _testicular(c) and c.has("vaginal_bleeding") and c.has("amenorrhoea") and not _menopause(c),
            flag="abdo.ectopic"),
        Ask("gyn.scrotal", R, GENERAL, _testicular, dept=tx.URO),
        Ask("gyn.postmenopausal_bleeding", R, "绝经后出血需妇科检查(NICE NG12)",
            lambda c: c.has("vaginal_bleeding") and c.age is not None and c.age >= 50),
        Ask("gyn.lump", R, "新发肿块门诊评估(NICE NG12)", lambda c: c.has("lump") and not _period_pain_self_care(c),
            dept=tx.GP),
    ],
    self_care=Ask("gyn.period_pain", S, GENERAL + "; 原发性痛经可居家", _period_pain_self_care,
                  advice="abdominal_self"),
    otherwise=("gyn.routine", GENERAL + "; 妇科门诊", None))


def _epistaxis_not_stopping(c: Ctx) -> bool:
    """Will not stop, heavy, or still bleeding after 20 minutes."""
    return c.has("uncontrolled_bleeding") or c.severe("epistaxis") or \
        ((c.hours("epistaxis") or 0) >= 0.33 and not c.resolved())


# The questions are alternatives: a nosebleed is assessed on its own, petechiae only without one.
ordered_protocol(
    "bleeding", tx.ED, triggers="uncontrolled_bleeding epistaxis petechiae", paediatric=False, all_flags=False,
    asks=[
        # A bleed told as stopped ("按了十分钟止住了") is no uncontrolled bleeding, however much it bled.
        Ask("bleed.uncontrolled", E, BLEED, lambda c: c.current("uncontrolled_bleeding") and not c.has("epistaxis"),
            flag="bleed.uncontrolled", advice="bleeding"),
        Ask("bleed.epistaxis_shock", E, BLEED,
            lambda c: c.has("epistaxis") and c.has("syncope", "near_syncope", "dizziness") and
            c.has("uncontrolled_bleeding"), flag="bleed.epistaxis", advice="epistaxis"),
        Ask("bleed.epistaxis_persistent", U, BLEED + " 压迫15分钟不止",
            lambda c: c.has("epistaxis") and _epistaxis_not_stopping(c), flag="bleed.epistaxis", advice="epistaxis",
            dept=tx.ENT),
        Ask("bleed.epistaxis_anticoag", U, BLEED,
            lambda c: c.has("epistaxis") and c.cond("anticoagulants") and not c.resolved(),
            flag="bleed.anticoagulant", advice="epistaxis", dept=tx.ENT),
        Ask("bleed.explained_by_senile_purpura", E, "NICE CKS bruising (2023)", explained_by_senile_purpura, stop=True),
        Ask("bleed.petechiae", U, SKIN + "; 不明原因出血点(血小板减少)",
            lambda c: c.has("petechiae") and not c.fever and not c.has("epistaxis"), flag="skin.petechiae",
            dept="血液科"),
        Ask("bleed.epistaxis_recurrent", R, BLEED + " 反复鼻出血门诊",
            lambda c: c.has("epistaxis") and (c.frequent("epistaxis") or c.chronic("epistaxis")),
            advice="epistaxis", dept=tx.ENT),
    ],
    self_care=Ask("bleed.epistaxis_minor", S, BLEED + " 压迫止血后可居家", lambda c: c.has("epistaxis"),
                  advice="epistaxis", dept=tx.ENT))


def _cut_to_close(c: Ctx) -> bool:
    """A cut of 2 cm or more, or 1 cm on the face or head, is closed (sutures, glue or strips) within hours
    (外科学 第9版 清创缝合6-8小时内; NICE CKS lacerations)."""
    cm = c.p.numbers.length_cm
    face = c.has("head_injury", "face_swelling") or c.child and c.has("head_injury")
    return c.has("wound") and cm is not None and (cm >= 2 or cm >= 1 and face)


def _burn_moderate(c: Ctx) -> bool:
    """Blisters in a child or a severe burn, a burn the size of a palm or more, or a swollen face."""
    return c.has("burn") and (c.has("blisters") and (c.child or c.severe("burn") or c.has("large_area")) or
                              c.yes("burn_size") or c.has("face_swelling"))


ordered_protocol(
    "wound", "外科", triggers="wound deep_wound burn animal_bite snake_bite electric_shock insect_sting "
    "rusty_nail amputation", questions="wound_deep burn_size",
    asks=[
        Ask("wound.snake", E, "中国蛇伤救治专家共识(2018)", lambda c: c.has("snake_bite"), flag="wound.snake",
            advice="bite"),
        Ask("wound.electric", E, CONSENSUS + " 电击伤需心电监护", lambda c: c.has("electric_shock"),
            flag="wound.electric"),
        Ask("wound.amputation", E, CONSENSUS + " Ⅱ级: 离断伤", lambda c: c.has("amputation"), flag="limb.amputation",
            advice="bleeding"),
        Ask("wound.burn_major", E, BURN + " 大面积/化学/气道烧伤",
            lambda c: c.has("burn") and (c.has("large_area", "chemical") or c.severe("burn") and c.child or
                                         c.has("hoarseness", "dyspnoea")), flag="wound.burn_major", advice="burn"),
        Ask("wound.bleeding", E, BLEED, lambda c: c.current("uncontrolled_bleeding"), flag="bleed.uncontrolled",
            advice="bleeding"),
        Ask("wound.animal_bite", U, RABIES + " 尽早处置并接种狂犬疫苗", lambda c: c.has("animal_bite"),
            flag="wound.bite", advice="bite", dept=tx.ED),
        Ask("wound.deep", U, "伤口清创缝合宜在6-8小时内(外科学)",
            lambda c: c.has("deep_wound") or c.yes("wound_deep") or _cut_to_close(c),
            flag="wound.deep", advice="wound"),
        Ask("wound.anticoag", U, BLEED,
            lambda c: c.has("wound") and c.cond("anticoagulants") and not c.mild("wound"), flag="bleed.anticoagulant",
            advice="wound"),
        Ask("wound.tetanus", U, TETANUS + " 污染伤口24小时内预防破伤风",
            lambda c: c.has("rusty_nail") or (c.has("wound") and c.has("animal_bite")), flag="wound.tetanus",
            advice="wound"),
        Ask("wound.burn_moderate", U, BURN, _burn_moderate, flag="wound.burn", advice="burn"),
        # A diabetic's foot wound: the diabetic foot protocol answers.
        Ask("wound.diabetic_foot", R, DFOOT, lambda c: c.has("wound") and c.diabetic and c.has("foot_wound"),
            stop=True),
        Ask("wound.infected", R, SKIN + " 伤口感染",
            lambda c: c.has("wound", "burn") and (c.has("pus", "red_swollen", "spreading") or c.fever),
            advice="wound"),
        # NICE CKS burns and scalds (2020): a small superficial blister (coin-sized) cooled at once heals at home;
        # a larger one, or on the face, hands of a child or genitals, is dressed in clinic.
        Ask("wound.burn_blister", R, BURN + " 小面积Ⅱ度烫伤门诊换药",
            lambda c: c.has("burn") and c.has("blisters") and not (c.has("small_area") and not c.child),
            advice="burn"),
        Ask("wound.sting_local", S, ANAPH + "; 局部反应可居家",
            lambda c: c.has("insect_sting") and not c.has("wound", "burn"), advice="skin", dept=tx.DERM),
        Ask("wound.minor", S, BURN + "; 小伤口/轻度烫伤可居家处理", lambda c: c.has("burn"), advice="burn"),
    ],
    self_care=Ask("wound.minor", S, BURN + "; 小伤口/轻度烫伤可居家处理", lambda c: True, advice="wound"))


_SKIN_MUCOSA = ("rash", "hives", "itch", "face_swelling", "eyelid_swelling", "lip_tongue_swelling", "tongue_swelling")
_AIRWAY = ("throat_tight", "throat_swelling", "stridor", "voice_change", "tongue_swelling")


def _allergy_context(c: Ctx) -> bool:
    """An allergy is said, or an exposure, a sting, hives or a drug came first — or, with no trigger named, the skin
    and the airway are both involved (WAO anaphylaxis criteria 2020, criterion 1: acute skin or mucosal involvement
    with respiratory compromise; 「全身起红点 喉咙好紧」)."""
    return c.has("allergy_word", "allergen_exposure", "insect_sting", "hives", "exposure_then", "drug_trigger") or \
        c.has(*_SKIN_MUCOSA) and c.has(*_AIRWAY)


def _reaction_over(c: Ctx) -> bool:
    """A reaction to a sting, food or drug days or more ago that has passed ("上个月被马蜂蛰过 … 就好了 现在一点事都
    没有"): not an emergency now, but a severe one is referred to an allergy clinic (WAO 2020; NICE CG134)."""
    h = c.hours("insect_sting", "allergen_exposure", "drug_trigger", "exposure_then")
    return c.resolved() and h is not None and h >= 72


def explained_by_throat_infection(c: Ctx) -> bool:
    """Named explained-evidence rule (WAO anaphylaxis guidance 2020: anaphylaxis begins minutes to a few hours after
    the exposure; NICE CKS sore throat 2023: a sore throat that worsens over days with trouble swallowing, a muffled
    voice or trismus is a throat infection or quinsy): a sore throat of a day or more explains difficulty swallowing
    and a changed voice, whatever medicine was taken for it — only without throat tightness, stridor, wheeze,
    breathlessness, swelling of the lips, tongue or face, hives or faintness."""
    h = c.hours("sore_throat")
    return c.has("sore_throat") and h is not None and h >= 24 and \
        not c.has("throat_tight", "stridor", "wheeze", "dyspnoea", "severe_dyspnoea", "lip_tongue_swelling",
                  "tongue_swelling", "face_swelling", "hives", "syncope", "near_syncope")


def _airway_breathing_circulation(c: Ctx) -> bool:
    """WAO 2020: airway (throat tightness, voice change, difficulty swallowing, stridor, tongue swelling),
    breathing or circulation (faint) involvement; swollen lips alone are mucosal (angioedema), not airway."""
    return c.has("throat_tight", "tongue_swelling", "stridor", "wheeze", "dyspnoea", "severe_dyspnoea", "syncope",
                 "near_syncope", "confusion") or \
        (_allergy_context(c) and c.has("throat_swelling", "voice_change", "muffled_voice", "hoarseness", "dysphagia",
                                       "drooling") and not explained_by_throat_infection(c)) or \
        (c.has("lip_tongue_swelling") and not _allergy_context(c)) or c.yes("allergy_airway") or \
        (c.has("insect_sting", "drug_trigger") and c.has("hives", "itch", "rash") and
         c.has("palpitations", "dizziness"))   # skin with a racing heart or faintness after a sting or a drug


# After an exposure, airway, breathing or circulation involvement is anaphylaxis whatever the trigger.
ordered_protocol(
    "allergy", tx.DERM, triggers="allergy_word lip_tongue_swelling throat_swelling hives tongue_swelling",
    when=lambda c: c.has("allergen_exposure", "insect_sting", "exposure_then", "drug_trigger") and
    c.has("face_swelling", "eyelid_swelling", "rash", "itch", "dyspnoea", "throat_tight", "voice_change",
          "dysphagia", "stridor", "tongue_swelling", "syncope", "near_syncope") or  # WAO 2020: collapse after it
    c.has(*_SKIN_MUCOSA) and c.has(*_AIRWAY),
    questions="allergy_airway", all_flags=False,
    asks=[
        Ask("allergy.anaphylaxis", E, ANAPH + "; " + HTN + " 6.严重过敏反应",
            lambda c: _allergy_context(c) and _airway_breathing_circulation(c) and not _reaction_over(c),
            flag="allergy.anaphylaxis", advice="allergy"),
        # WAO 2020; NICE CKS angio-oedema (2023): angio-oedema with airway involvement (voice change,
        # difficulty swallowing, drooling, throat tightness, stridor, breathlessness) is an emergency with or
        # without a trigger (an ACE inhibitor's angio-oedema has none the resident would name).
        Ask("allergy.airway_angioedema", E, ANAPH + "; NICE CKS angio-oedema (2023)",
            lambda c: c.has("lip_tongue_swelling", "tongue_swelling", "face_swelling") and
            c.has("voice_change", "dysphagia", "drooling", "throat_tight", "stridor", "dyspnoea", "severe_dyspnoea"),
            flag="allergy.anaphylaxis", advice="allergy"),
        Ask("allergy.two_systems", E, ANAPH + " 皮肤+消化道两系统",
            lambda c: c.has("hives", "rash", "itch") and c.has("vomiting", "abdominal_pain") and
            c.has("allergen_exposure"), flag="allergy.anaphylaxis", advice="allergy"),
        Ask("allergy.angioedema", U, ANAPH + " 血管性水肿",
            lambda c: _allergy_context(c) and c.has("face_swelling", "eyelid_swelling", "lip_tongue_swelling"),
            flag="allergy.angioedema", advice="allergy"),
        # NICE CG183 drug allergy (2014): a rash or hives on a medicine is recorded and the medicine stopped and
        # replaced by a clinician — not self-care while it is still being taken.
        Ask("allergy.drug_rash", R, SKIN + " 药物过敏停药并门诊; NICE CG183 drug allergy (2014)",
            lambda c: c.has("hives", "rash") and not c.mild("hives", "rash") and c.has("drug_trigger"),
            advice="skin"),
        Ask("allergy.past_severe_reaction", R, ANAPH + "; NICE CG134 (2020) 严重过敏后转变态反应专科",
            lambda c: _reaction_over(c) and _airway_breathing_circulation(c), advice="allergy"),
        Ask("allergy.chronic_urticaria", R, SKIN + " 慢性荨麻疹门诊",
            lambda c: c.has("hives") and (c.chronic("hives") or c.recurrent("hives") or
                                          (c.hours("hives") or 0) >= 24 * 42), advice="skin"),
    ],
    self_care=Ask("allergy.mild", S, ANAPH + "; 轻度过敏(仅皮肤)可居家观察", lambda c: True, advice="skin"))


# Medicines a child takes only by mistake (not insulin or thyroid medicine, which children may need).
_ADULT_MEDICINES = ("bp_medicine", "ccb", "cond_sulfonylurea", "statin", "sleeping_pill", "cond_anticoagulants",
                    "antiplatelet", "digoxin")
_CHILD_DOSE_MEDICINES = ("对乙酰氨基酚", "扑热息痛", "泰诺", "必理通", "百服宁", "散利痛", "氨酚")   # a child's own fever dose


def _child_took_adult_medicine(c: Ctx) -> bool:
    """A child who swallowed an adult's medicine; a high-risk medicine named by its class and swallowed in the same
    clause ("把奶奶的降糖药吃了两片") counts, a child's own fever medicine (paracetamol) does not."""
    if not (c.child and c.has("ingested", "swallowed_object")):
        return False
    if c.has(*_ADULT_MEDICINES):
        return True
    named_by_class = any(not any(w in c.p.text[m.start:m.end] for w in _CHILD_DOSE_MEDICINES)
                         for m in c.p.positive.get("high_risk_medicine", ()))
    return named_by_class and c.near(("ingested", "swallowed_object"), ("high_risk_medicine",), within=0)


# 急性有机磷农药中毒诊治临床专家共识(2016): the cholinergic signs after spraying or touching a pesticide.
CHOLINERGIC_SIGNS = ("sweating", "drooling", "miosis", "myoclonus", "vomiting", "diarrhoea", "dyspnoea", "drowsy",
                     "confusion", "nausea")


def _cholinergic_after_pesticide(c: Ctx) -> bool:
    """Two cholinergic signs after a pesticide: sweating, drooling, pinpoint pupils, muscle twitching, vomiting or
    diarrhoea, breathlessness or drowsiness."""
    return c.has("pesticide_exposure") and c.count(*CHOLINERGIC_SIGNS) >= 2


def _drunk_altered(c: Ctx) -> bool:
    """Drunk and hard to rouse, fitting or hurt (急性酒精中毒诊治共识 2014: impaired consciousness). A drunk person
    who vomits but talks and answers is looked after at home, lying on the side."""
    return c.has("drunk") and c.has("unresponsive", "drowsy", "seizure", "head_injury")


# Ten tablets in one go is several times the largest single dose of any common oral medicine (most are one or
# two tablets): assessed as an overdose whatever the medicine (急性中毒诊断与治疗中国专家共识 2016: a possible
# toxic dose is assessed at once; TOXBASE: an unknown or supra-therapeutic amount is referred).
TABLETS_OVERDOSE = 10


# A sulfonylurea or insulin beyond a therapeutic dose (three tablets or more at once) can cause a low that comes
# back for a day or more: observed in hospital (TOXBASE sulfonylureas; 急性中毒诊断与治疗中国专家共识 2016).
TABLETS_OVERDOSE_HYPOGLYCAEMIC = 3


def _many_tablets(c: Ctx) -> bool:
    n = c.p.numbers.tablets_at_once or 0
    return n >= TABLETS_OVERDOSE or (n >= TABLETS_OVERDOSE_HYPOGLYCAEMIC and _hypoglycaemic_drug(c)) or \
        _whole_pack(c)


MEDICINES = ("medicine_word", "sleeping_pill", "high_risk_medicine", "regular_medicine", "bp_medicine",
             "wide_margin_medicine", "cond_insulin", "cond_sulfonylurea")


def _whole_pack(c: Ctx) -> bool:
    """A bottle, a box or a handful of a medicine swallowed at once, however the sentence runs ("把一瓶安眠药全吃了",
    "药一整盒都吞了"): more than any single dose (the same sources as TABLETS_OVERDOSE). Not a course taken over days
    ("一瓶药吃了一个月")."""
    return c.near(("ingested",), ("large_amount",), MEDICINES) and \
        not told_as_course(c.told_in("ingested", "large_amount")) and \
        not c.chronic("ingested") and (c.hours("ingested") or 0) < 24   # "已经过了三个钟头" dates one go


def _epididymo_orchitis(c: Ctx) -> bool:
    """NICE CKS scrotal pain and swelling (2023): a swelling that came on gradually, with a fever or pain on
    passing urine, and not sudden or severe, is epididymo-orchitis (seen the same day), not a torsion."""
    return c.has("gradual_onset") and c.has("dysuria", "fever") and not c.sudden("testicular_pain") and \
        not c.severe("testicular_pain") and not c.has("vomiting")


# TOXBASE (UK National Poisons Information Service) and 急性中毒诊断与治疗中国专家共识(2016): silica-gel desiccant,
# crayons, plasticine, lipstick and a taste of toothpaste are non-toxic in the amounts a child takes (toothpaste
# fluoride becomes toxic from about 5 mg/kg, a large part of a tube for a toddler). Named in the message, with no
# symptom and not a large amount, such a swallow is watched at home. Quicklime desiccant (石灰) is corrosive and
# stays an ingestion.
_SWALLOW_SYMPTOMS = ("vomiting", "drowsy", "unresponsive", "dyspnoea", "cough", "choking", "drooling",
                     "abdominal_pain", "seizure", "confusion", "dysphagia", "chest_pain")


def _harmless_swallow(c: Ctx) -> bool:
    return c.has("harmless_swallow") and not c.has("large_amount", "self_harm_act", *_SWALLOW_SYMPTOMS) and \
        "石灰" not in c.p.text and not _many_tablets(c) and not _child_took_adult_medicine(c)


def _digoxin_toxic(c: Ctx) -> bool:
    """On digoxin: yellow or green vision, or nausea or vomiting with a slow pulse (under 60), is digoxin toxicity
    (急性中毒诊断与治疗中国专家共识 2016; NICE CKS atrial fibrillation (2024): digoxin toxicity is assessed at once)."""
    slow = c.v.pulse is not None and c.v.pulse < 60 or c.has("bradycardia_sx")
    return c.has("digoxin") and (c.has("xanthopsia") or c.has("nausea", "vomiting") and slow)


def _a_course_that_failed(c: Ctx) -> bool:
    """"吃了好几盒消炎药没好": boxes of a medicine taken over a course that did not help, not an overdose — unless
    the person is drowsy, confused or vomiting."""
    return c.has("treatment_failed") and not c.has("drowsy", "unresponsive", "confusion", "vomiting", "seizure")


def _sedated(c: Ctx) -> bool:
    return c.has("sleeping_pill") and (c.has("unresponsive") or c.has("hard_to_rouse"))


# TOXBASE (UK National Poisons Information Service) single-dose guidance and 急性中毒诊断与治疗中国专家共识 (2016): one
# extra dose of a usual medicine with a wide margin (metformin, amlodipine, an ACE inhibitor or sartan, a statin) in
# an adult is not expected to cause harm: the next dose is taken as usual and the reading watched. Not for insulin or a
# sulfonylurea, an anticoagulant, digoxin, a sleeping pill or a beta-blocker, not when the medicine is not named next to
# the extra dose (an unknown decides for the safer level; a usual medicine told elsewhere in the message is not the one
# taken twice), not with more than one extra dose, and not with a symptom (dizziness,
# faintness, tiredness, a slow pulse, a low pressure, vomiting, drowsiness).
_DOUBLE_DOSE_SYMPTOMS = ("dizziness", "near_syncope", "syncope", "fatigue", "bradycardia_sx", "palpitations", "vomiting",
                         "drowsy", "confusion", "sweating", "chest_pain", "dyspnoea", "tremor", "hunger")


def _one_extra_dose_without_symptoms(c: Ctx) -> bool:
    low_pressure = c.v.systolic is not None and c.v.systolic < 100
    slow = c.v.pulse is not None and c.v.pulse < 55
    glucose_low = c.v.glucose is not None and c.v.glucose < 3.9
    return c.near(("double_dose",), ("wide_margin_medicine", "ccb", "statin")) and not c.child and \
        not _hypoglycaemic_drug(c) and \
        not c.has("high_risk_medicine", "sleeping_pill", "digoxin", "cond_anticoagulants", "large_amount") and \
        not c.cond("anticoagulants") and (c.p.numbers.tablets_at_once or 0) < 3 and \
        not c.has(*_DOUBLE_DOSE_SYMPTOMS) and not (low_pressure or slow or glucose_low)


def _hypoglycaemic_drug(c: Ctx) -> bool:
    return c.cond("insulin", "sulfonylurea") or c.has("cond_insulin", "cond_sulfonylurea")


# The findings are rules of their own: a resolved choking's advice is kept under a same-day answer.
ordered_protocol(
    "poisoning", tx.ED, record_below=R, triggers="poison_ingestion co_exposure drunk double_dose swallowed_object "
    "harmless_swallow "
    "battery_magnet choking fishbone self_harm_act", paediatric=False,
    when=lambda c: _child_took_adult_medicine(c) or _cholinergic_after_pesticide(c) or _many_tablets(c) or
    _sedated(c) or _digoxin_toxic(c),
    asks=[
        Ask("poison.digoxin", E, POISON + "; 地高辛中毒: 黄视或恶心呕吐伴心动过缓", _digoxin_toxic, flag="poison.ingestion",
            advice="poison"),
        # 急性中毒诊断与治疗中国专家共识(2016); 共识(2018) Ⅰ/Ⅱ级 意识障碍: a sleeping pill and a person who cannot
        # be roused properly is a sedative overdose until proved otherwise, however many tablets were counted.
        Ask("poison.sedated", E, POISON + "; 镇静催眠药伴意识障碍", _sedated, flag="poison.ingestion",
            advice="poison"),
        Ask("poison.organophosphate", E, POISON + "; 急性有机磷农药中毒诊治临床专家共识(2016)",
            _cholinergic_after_pesticide, flag="poison.ingestion", advice="poison"),
        # 急性中毒诊断与治疗中国专家共识(2016); Bar-Oz B et al., Paediatr Drugs 2004 ("one pill can kill"): a
        # toddler who swallowed an adult's blood-pressure, diabetes, heart or sleeping medicine — whatever the
        # count — is an emergency even when well.
        Ask("poison.child_adult_medicine", E, POISON + "; 儿童误服成人降压/降糖/心脏/安眠药",
            _child_took_adult_medicine, flag="poison.ingestion", advice="poison"),
        Ask("poison.co", E, CO,
            lambda c: c.has("co_exposure") and (c.has("headache", "dizziness", "nausea", "vomiting", "confusion",
                                                      "unresponsive", "fatigue", "drowsy", "syncope") or
                                                c.has("poison_ingestion")), flag="poison.co", advice="co"),
        Ask("poison.ingestion", E, POISON,
            lambda c: (c.has("poison_ingestion") and not _a_course_that_failed(c) or c.has("self_harm_act") or
                       _many_tablets(c)) and not c.has("double_dose") and not _harmless_swallow(c),
            flag="poison.ingestion",
            advice="poison"),
        Ask("poison.battery", E, POISON + "; 纽扣电池/多枚磁铁需紧急取出",
            lambda c: c.has("battery_magnet") and (c.has("swallowed_object") or c.child) and c.p.numbers.magnets != 1,
            flag="poison.battery", advice="poison"),
        # NASPGHAN magnet ingestion (2015): one magnet alone cannot pinch the bowel between two: an X-ray and
        # follow-up the same day; two or more, or any button battery, come out at once.
        Ask("poison.single_magnet", U, POISON + "; NASPGHAN 2015 单个磁铁当天拍片随访",
            lambda c: c.has("battery_magnet") and c.p.numbers.magnets == 1, flag="poison.battery", advice="poison"),
        Ask("poison.choking", E, CONSENSUS + " Ⅰ级: 气道梗阻",
            lambda c: c.has("choking") and (c.has("dyspnoea", "cyanosis", "unresponsive", "severe_dyspnoea") or
                                            not c.resolved()), flag="poison.choking", advice="choking"),
        Ask("poison.drunk_altered", E, POISON + " 急性酒精中毒伴意识障碍/呕吐误吸风险",
            _drunk_altered, flag="poison.drunk"),
        Ask("poison.double_dose", U, POISON + "; 降糖药/降压药重复服用当天联系(低血糖风险)",
            lambda c: c.has("double_dose") and _hypoglycaemic_drug(c), flag="poison.double_dose", advice="poison",
            dept=tx.ED),
        Ask("poison.double_dose", U, POISON + "; 高危药物重复服用或多服后有症状当天联系",
            lambda c: c.has("double_dose") and not _one_extra_dose_without_symptoms(c), flag="poison.double_dose",
            advice="poison", dept=tx.ED),
        Ask("poison.foreign_body", U, "消化道异物/鱼刺需当天取出", lambda c: c.has("fishbone") and not _fishbone_passed(c),
            flag="poison.foreign_body", dept=tx.ENT),
        Ask("poison.fishbone_passed", S, "中国消化道异物诊治专家共识(2021): 无症状的已咽下鱼刺居家观察", _fishbone_passed,
            advice="fishbone_passed", dept=tx.ENT),
        # Another swallowed object (a button battery or magnet is answered above).
        Ask("poison.foreign_body", U, "消化道异物/鱼刺需当天取出",
            lambda c: c.has("swallowed_object") and not c.has("fishbone", "battery_magnet") and not _harmless_swallow(c),
            flag="poison.foreign_body",
            dept=tx.GI),
        Ask("poison.large_amount", U, POISON + "; TOXBASE: 牙膏氟化物约5 mg/kg起有毒, 大量时当天评估",
            lambda c: c.has("harmless_swallow") and c.has("large_amount"), flag="poison.ingestion", advice="poison"),
        Ask("poison.swallow_symptoms", U, POISON + "; 吞下东西后出现症状当天评估",
            lambda c: c.has("harmless_swallow") and c.has(*_SWALLOW_SYMPTOMS), flag="poison.ingestion",
            advice="poison"),
        Ask("poison.harmless", S, POISON + "; TOXBASE: 硅胶干燥剂、少量牙膏、蜡笔、橡皮泥无毒", _harmless_swallow,
            advice="harmless_swallow"),
        Ask("poison.one_extra_dose", S, POISON + "; TOXBASE: 常用宽安全范围药物多服一次、无症状可居家观察",
            _one_extra_dose_without_symptoms, advice="double_dose"),
        # A choking that is over: watch the cough and breathing (also recorded under a same-day answer).
        Ask("poison.choking_resolved", R, "异物已咳出: 观察咳嗽与呼吸", lambda c: c.has("choking") and c.resolved(),
            advice="choking"),
    ],
    # Drunk but awake, or the hangover the next day (explained_by_hangover): looked after at home, with what to
    # watch for (Verster 2010; 急性酒精中毒诊治共识 2014: mild intoxication needs no treatment).
    self_care=Ask("poison.drunk_awake", S, POISON + "; 急性酒精中毒诊治共识(2014) 轻度醉酒家中看护",
                  lambda c: c.has("drunk") and not _drunk_altered(c) and not c.has("poison_ingestion", "self_harm_act"),
                  advice="drunk"))


def _foot_infected(c: Ctx) -> bool:
    """Infected (IWGDF/IDSA 2023: two local signs — redness round the wound, warmth, swelling, tenderness, pus — or
    spreading, or fever)."""
    return c.has("red_swollen", "pus", "gangrene", "foul_smell", "spreading") or c.fever or c.yes("foot_infect") or \
        c.has("periwound_redness") and c.has("local_warmth")


def _minor_foot_lesion(c: Ctx) -> bool:
    return c.has("blisters") or c.mild("foot_wound")


# Any other diabetic foot wound is an ulcer: referred within one working day (DFOOT).
ordered_protocol(
    "diabetic_foot", tx.ENDO, paediatric=False,
    when=lambda c: c.has("diabetic_foot_word") or c.diabetic and (c.has("foot_wound") or
                                                                  c.has("gangrene") and c.has("unilateral_leg")),
    questions="foot_infect", all_flags=False,
    asks=[
        Ask("foot.sepsis", E, DFOOT + "; " + SEPSIS,
            lambda c: _foot_infected(c) and (c.has("confusion", "drowsy") or
                                             (c.v.systolic is not None and c.v.systolic < LOW_SBP)),
            flag="foot.infected", advice="foot"),
        Ask("foot.infected", U, DFOOT + " 感染/坏疽需当天处理",
            lambda c: _foot_infected(c) or c.has("diabetic_foot_word"), flag="foot.infected", advice="foot"),
        Ask("foot.ulcer", U, DFOOT + " 糖尿病足溃疡1个工作日内转诊", lambda c: not _minor_foot_lesion(c),
            flag="foot.ulcer", advice="foot"),
        Ask("foot.minor_lesion", R, DFOOT + " 小水疱/擦伤: 家庭医生检查", _minor_foot_lesion, advice="foot"),
    ])


_VTE_RISK = ("recent_surgery", "long_travel", "immobilisation")


def _one_side(c: Ctx) -> bool:
    return c.has("unilateral_leg") or c.yes("leg_one_side")


def _one_sided_leg(c: Ctx) -> bool:
    """One leg swollen, or one calf painful or red, not after an injury or a sting."""
    return _one_side(c) and (c.has("calf_pain", "red_swollen") or c.has("leg_swelling")) and \
        not c.has("trauma", "sprain", "insect_sting")


def _chronic_one_sided(c: Ctx) -> bool:
    """Long-standing one-sided swelling, not sudden, without calf pain, not confirmed one-sided in the dialogue."""
    return c.chronic("leg_swelling") and not c.sudden("leg_swelling") and not c.has("calf_pain") and \
        c.ans("leg_one_side") is None


def _other_protocol(c: Ctx) -> bool:
    """Gout, a sting or a sprain without calf pain, or red swelling on both sides (cellulitis)."""
    return c.has("gout", "insect_sting", "sprain") and not c.has("calf_pain") or \
        c.has("red_swollen") and not _one_side(c)


def _calf_pain_only(c: Ctx) -> bool:
    """Calf pain without swelling or a VTE risk factor."""
    return c.has("calf_pain") and not c.has("leg_swelling") and not c.has(*_VTE_RISK)


def _dependent_oedema(c: Ctx) -> bool:
    """Mild swelling after standing, a journey or lifting in a younger person without heart, kidney disease or
    pregnancy, or swelling that has gone down."""
    return c.mild("leg_swelling") and not c.elderly and not c.cond("heart_disease", "ckd", "pregnancy") and \
        c.has("exertional", "long_travel", "lifting") or c.has("relieved", "resolved") and not c.elderly


# The questions are alternatives, checked in this order; the first that holds answers.
ordered_protocol(
    "leg_swelling", tx.CARDIO, triggers="leg_swelling calf_pain", questions="leg_one_side", obstetric=True,
    all_flags=False,
    asks=[
        # A red hot big toe is gout; an injury without swelling: the limb protocol answers.
        Ask("leg.gout", E, GOUT, lambda c: c.has("gout") and not c.has("calf_pain", "dyspnoea"), stop=True),
        Ask("leg.injury", E, OTTAWA, lambda c: c.has("trauma", "fall", "sprain") and not c.has("leg_swelling"),
            stop=True),
        Ask("leg.pe", E, PE + " 单侧下肢肿伴气短/胸痛",
            lambda c: c.has("chest_pain", "severe_dyspnoea") or (c.has("dyspnoea") and (c.sudden("dyspnoea") or
                                                                                        _one_side(c))),
            flag="leg.pe", advice="leg_swelling"),
        Ask("leg.heart_failure", U, HF + "; " + HTN + " 4.", lambda c: c.has("dyspnoea", "orthopnoea") and
            c.has("leg_swelling"), flag="leg.hf", advice="leg_swelling"),
        Ask("leg.dvt", U, DVT + " Wells: 单侧小腿肿痛", lambda c: _one_sided_leg(c) and not _chronic_one_sided(c),
            flag="leg.dvt", advice="leg_swelling", dept=tx.VASC),
        Ask("leg.vte_risk", U, DVT,
            lambda c: not _one_sided_leg(c) and not _other_protocol(c) and c.has(*_VTE_RISK) and
            c.has("leg_swelling", "calf_pain"), flag="leg.dvt", advice="leg_swelling", dept=tx.VASC),
        Ask("leg.chronic_unilateral", R, DVT, lambda c: _one_sided_leg(c) and _chronic_one_sided(c),
            advice="leg_swelling", dept=tx.VASC),
        # Gout, cellulitis, a sting or a sprain: the limb or skin protocol answers.
        Ask("leg.other_protocol", R, GENERAL, _other_protocol, stop=True),
        Ask("leg.claudication", R, "下肢动脉硬化闭塞症诊治指南: 间歇性跛行门诊",
            lambda c: _calf_pain_only(c) and c.has("exertional"), advice="leg_swelling", dept=tx.VASC),
        Ask("leg.calf_pain", R, DVT + " 单侧小腿痛需排除血栓",
            lambda c: _calf_pain_only(c) and not c.has("cramp", "muscle_soreness", "sprain"), advice="leg_swelling",
            dept=tx.VASC),
        Ask("leg.cramp", S, GENERAL, _calf_pain_only, advice="sprain", dept=tx.ORTHO),
        Ask("leg.dependent_oedema", S, GENERAL + "; 久站久坐后轻度水肿", _dependent_oedema, advice="leg_swelling"),
    ],
    otherwise=("leg.bilateral", HF + "; 双下肢水肿门诊查心肾功能", "leg_swelling"))


_BACK = ("back_pain", "flank_pain", "neck_pain")


def _back_review(c: Ctx) -> bool:
    """Sciatica or numbness, more than 6 weeks (or 2 weeks not easing), long-standing, an older person, weight
    loss or night sweats, immunosuppression or cancer, severe (other than on moving after a strain: NICE NG59
    self-management) or worsening."""
    hours = c.hours(*_BACK)
    # An episode like the earlier ones that settled by themselves (familiar_course) is not "long-standing".
    long_standing = c.chronic(*_BACK) and not c.has("familiar_course")
    return c.has("radiating_leg", "numbness") or (hours is not None and hours >= 24 * 42) or long_standing or \
        c.elderly or c.has("weight_loss", "night_sweats") or c.cond("immunosuppressed", "cancer") or \
        (c.severe(*_BACK) and not c.has("movement_pain", "positional", "lifting", "torticollis")) or c.worsening() or \
        (hours is not None and hours >= 24 * 14 and not c.has("relieved"))


def _renal(c: Ctx) -> bool:
    """Loin pain, or back pain with blood in the urine that is severe or comes in waves (colic; 中国泌尿外科疾病诊断
    治疗指南: 肾绞痛)."""
    return c.has("flank_pain") and not explained_by_strain(c) or \
        (c.has("back_pain") and c.has("haematuria") and (c.severe("back_pain") or c.has("colicky")))


def _motor_deficit(c: Ctx) -> bool:
    return c.has("foot_drop") and c.has("back_pain", "radiating_leg", "lifting")


# The questions are alternatives, checked in this order; the first that holds answers.
ordered_protocol(
    "back_pain", tx.ORTHO, triggers="back_pain flank_pain neck_pain radiating_leg saddle_anaesthesia foot_drop torticollis",
    questions="back_red", paediatric=False, all_flags=False,
    asks=[
        Ask("back.cauda_equina", E, BACK + " 马尾综合征",
            lambda c: c.has("saddle_anaesthesia") or (c.has("back_pain") and c.has("incontinence", "urinary_retention"))
            or c.yes("back_red"), flag="back.cauda", advice="cauda"),
        Ask("back.dissection", E, CHEST + " 主动脉夹层/动脉瘤",
            lambda c: c.has("back_pain") and c.has("tearing_pain") or
            (c.has("back_pain") and c.sudden("back_pain") and c.severe("back_pain") and
             (c.cond("hypertension") or (c.age or 0) >= 60)), flag="chest.dissection"),
        Ask("back.major_trauma", E, CONSENSUS + " Ⅰ级: 多发伤", lambda c: c.has("major_trauma_mech"),
            flag="limb.major_trauma", advice="limb"),
        Ask("back.motor_deficit", U, RADICULOPATHY, _motor_deficit, flag="back.motor_deficit", advice="back"),
        # EAU Guidelines on Urolithiasis (2024): colic from a stone with a fever is an obstructed, infected kidney —
        # urgent decompression in hospital, not a same-day clinic.
        Ask("back.infected_obstruction", E, "EAU Urolithiasis 2024: 结石梗阻合并感染需急诊减压",
            lambda c: _renal(c) and c.fever and (c.has("cond_kidney_stone") or
                                                 c.has("colicky") and c.severe("flank_pain", "back_pain")),
            flag="fever.pyelo", dept=tx.URO,
            advice="urinary"),
        Ask("back.pyelonephritis", U, UTI, lambda c: _renal(c) and c.fever, flag="fever.pyelo", dept=tx.URO,
            advice="urinary"),
        Ask("back.renal_colic", U, "中国泌尿外科疾病诊断治疗指南: 肾绞痛", lambda c: _renal(c) and not c.fever,
            flag="back.renal_colic", dept=tx.URO, advice="urinary"),
        Ask("back.fever", U, BACK + " 发热伴背痛(感染)", lambda c: c.has("back_pain", "neck_pain") and c.fever,
            flag="back.fever"),
        Ask("back.trauma", U, BACK + "; " + OTTAWA + " 外伤后骨折待排",
            lambda c: c.has("fall", "trauma") and (c.elderly or c.severe(*_BACK) or c.has("cant_bear_weight")),
            flag="back.trauma", advice="limb"),
        # NICE NG234 spinal metastases (2023): back pain that worsens or is worse at night in someone who has had
        # cancer is assessed urgently.
        Ask("back.cancer_history", U, BACK + "; NICE NG234 spinal metastases (2023)",
            lambda c: c.has("back_pain", "neck_pain") and c.cond("cancer") and
            (c.worsening() or c.has("at_rest", "night_sweats", "weight_loss") or c.severe(*_BACK)),
            flag="back.motor_deficit", advice="back"),
        Ask("back.review", R, BACK + " 坐骨神经痛/持续>6周/老年/加重需门诊", _back_review, advice="back"),
    ],
    self_care=Ask("back.mechanical", S, BACK + " 急性非特异性腰痛可居家活动", lambda c: True, advice="back"))


def _urinary_sx(c: Ctx) -> bool:
    return c.has("dysuria", "urinary_frequency")


# The questions are alternatives, checked in this order; the first that holds answers.
ordered_protocol(
    "urinary", tx.URO, triggers="dysuria urinary_frequency haematuria urinary_retention oliguria incontinence",
    questions="uti_fever", obstetric=True, all_flags=False,
    asks=[
        Ask("uro.explained_by_maternal_hormones", E, "NHS newborn baby's health (2023)", explained_by_maternal_hormones,
            stop=True),
        Ask("uro.sepsis", E, SEPSIS,
            lambda c: c.fever and c.has("confusion", "drowsy") and not _delirium_same_day(c) or
            (c.has("oliguria") and c.has("confusion", "dyspnoea")),
            flag="fever.sepsis"),
        Ask("uro.retention", U, "急性尿潴留需当天导尿(泌尿外科指南)", lambda c: c.has("urinary_retention"),
            flag="uro.retention", advice="urinary"),
        Ask("uro.pyelonephritis", U, UTI,
            lambda c: (c.has("dysuria", "urinary_frequency", "haematuria") and
                       c.fever and (c.has("chills", "flank_pain", "back_pain") or c.fever_high or _upper_uti_temp(c)))
            or c.yes("uti_fever"),
            flag="fever.pyelo", advice="urinary"),
        Ask("uro.oliguria", U, "急性肾损伤: 尿量明显减少当天查肾功能", lambda c: c.has("oliguria") and not c.child,
            flag="uro.oliguria"),
        Ask("uro.gross_haematuria", U, "肉眼血尿伴血块/抗凝",
            lambda c: c.has("haematuria") and (c.severe("haematuria") or c.has("clots") or c.cond("anticoagulants"))
            and not explained_by_food_pigment(c), flag="uro.haematuria_clots", advice="urinary"),
        # NICE CG54 urinary tract infection in under 16s (2007, 2022): a fever with urinary signs under 3 years old
        # is tested and treated the same day (a urine sample, antibiotics started); older children in clinic.
        Ask("uro.child_uti", U, UTI + "; NICE CG54 3岁以下发热伴尿路症状当天留尿治疗",
            lambda c: c.child and c.fever and _urinary_sx(c) and (c.months or 99) < 36, advice="urinary"),
        Ask("uro.child_uti", R, UTI + "; NICE NG224 儿童尿路感染", lambda c: c.child and c.fever and _urinary_sx(c),
            advice="urinary"),
        # NICE NG109 (2018): a pregnant woman with a lower UTI has a urine culture sent and an antibiotic started
        # at once (untreated bacteriuria leads to pyelonephritis and preterm birth): the same day.
        Ask("uro.pregnancy_uti", U, UTI + " 孕期尿路感染当天留尿培养并用药", lambda c: c.pregnant and _urinary_sx(c),
            advice="urinary", dept=tx.OBGYN),
    ],
    self_care=Ask("uro.food_pigment", S, "NICE CKS haematuria (2023): 先排除食物(火龙果、甜菜)或药物所致红色尿",
                  explained_by_food_pigment, advice="urinary"),
    otherwise=("uro.lower_uti_or_haematuria", UTI + "; 尿路症状/血尿门诊", "urinary"))


def _shingles(c: Ctx) -> bool:
    return c.has("shingles") or c.has("blisters") and c.has("one_side_band")


_SKIN_LOCAL = ("rash", "hives", "blisters", "shingles", "red_swollen", "tinea", "acne", "sunburn", "skin_peeling", "boil",
               "dry_skin", "minor_skin", "target_rash", "petechiae", "cold_sore", "mouth_ulcer", "chilblain")


def _cold_sore_only(c: Ctx) -> bool:
    """A cold sore without another rash, swelling or peeling and without a high fever."""
    return c.has("cold_sore") and not c.has("rash", "hives", "red_swollen", "skin_peeling") and not c.fever_high


def _skin(pred):
    """A question about a skin finding other than a simple cold sore (self-care, answered first)."""
    return lambda c: not _cold_sore_only(c) and pred(c)


def _skin_persistent(c: Ctx) -> bool:
    """Two weeks or more, long-standing, worsening, spreading or severe — except chilblains, which come back every
    winter, and athlete's foot, which comes back in the heat (NICE CKS chilblains 2021, fungal skin infection of the
    foot 2023: self-care)."""
    hours = c.hours("rash", "itch", "blisters", "acne", "mouth_ulcer")
    if _oral_only(c):
        # NICE CKS aphthous ulcer (2023): an ulcer not healed in three weeks is referred; a painful one is not.
        return (hours is not None and hours >= 24 * 21) or c.chronic("mouth_ulcer") and not c.recurrent("mouth_ulcer")
    painful_only = c.has("sunburn") and not c.has("blisters")   # NICE CKS sunburn: pain alone is treated at home
    return ((hours is not None and hours >= 24 * 14) or c.chronic("rash", "itch") or c.worsening() or
            c.has("spreading") or c.severe("rash", "itch", "blisters") and not painful_only) and \
        not c.has("chilblain", "tinea")


def _oral_only(c: Ctx) -> bool:
    return c.has("mouth_ulcer") and not c.has("rash", "itch", "blisters", "acne", "tinea", "sunburn")


# The questions are alternatives, checked in this order; the first that holds answers.
ordered_protocol(
    "skin", tx.DERM, triggers="rash itch blisters shingles target_rash red_swollen skin_peeling sunburn sun_exposure acne "
    "tinea dry_skin minor_skin cold_sore mouth_ulcer chilblain boil", questions="fever", all_flags=False,
    asks=[
        Ask("skin.explained_by_teething", E, "NICE CKS teething (2021)", explained_by_teething, stop=True),
        Ask("skin.explained_by_vaccine_reaction", E, "预防接种工作规范(2016)", explained_by_vaccine_reaction, stop=True),
        Ask("skin.explained_by_roseola", E, "NICE CKS roseola infantum (2021)", explained_by_roseola, stop=True),
        Ask("skin.explained_by_senile_purpura", E, "NICE CKS bruising (2023)", explained_by_senile_purpura, stop=True),
        # Itching of the eyes, nose or genitals, or a red swollen big toe (gout): that protocol answers.
        Ask("skin.other_site", E, GENERAL,
            lambda c: not c.has(*_SKIN_LOCAL) and c.has("red_eye", "itchy_eyes", "watery_eyes", "eye_discharge",
                                                        "vaginal_discharge", "coryza", "sneezing", "itchy_nose",
                                                        "ear_pain", "ear_discharge"), stop=True),
        Ask("skin.gout", E, GOUT, lambda c: c.has("gout") and not c.has("rash", "blisters"), stop=True),
        Ask("skin.sjs_ten", E, SKIN + " 重症药疹(SJS/TEN)",
            _skin(lambda c: c.has("skin_peeling") and (c.fever or c.has("red_eye", "mouth_ulcer") or
                                                       c.has("allergen_exposure"))), flag="skin.sjs"),
        Ask("skin.petechial_fever", E, MENINGITIS + " 发热伴出血点", _skin(lambda c: c.has("petechiae") and c.fever),
            flag="skin.petechiae"),
        # NICE CKS cellulitis (2023) / NICE NG141: necrotising fasciitis — redness spreading fast, with blisters or
        # blackened skin, and pain out of proportion or a fever: emergency admission.
        Ask("skin.necrotising", E, SKIN + " 坏死性筋膜炎: 进展迅速伴水疱/发黑、剧痛或发热",
            _skin(lambda c: c.has("spreading") and c.has("red_swollen", "wound") and
                  c.has("blisters", "gangrene") and (c.fever or c.severe("red_swollen", "blisters", "limb_pain")) and
                  not c.has("sunburn", "burn", "shingles")), flag="skin.cellulitis", advice="skin"),
        # NICE CKS cellulitis (2023), Eron class II: systemically unwell (fever) -> same-day assessment. A bite
        # or sting whose redness spreads with a fever is an infected bite (NICE CKS insect bites and stings, 2021).
        Ask("skin.cellulitis_systemic", U, SKIN + " 蜂窝织炎伴全身症状; NICE CKS insect bites (2021) 继发感染",
            _skin(lambda c: c.has("red_swollen", "spreading", "boil") and (c.fever or c.has("chills")) and
                  not c.has("chilblain") and
                  (not c.has("insect_sting", "sunburn") or c.has("spreading"))),
            flag="skin.cellulitis", advice="skin"),
        Ask("skin.shingles_eye", U, SKIN + " 眼带状疱疹",
            _skin(lambda c: _shingles(c) and c.has("red_eye", "eye_pain", "eyelid_swelling") or
                  c.has("shingles_eye")), flag="eye.acute", dept=tx.EYE),
        # NICE CKS shingles (2023): at 50 or over, an antiviral started within 72 hours of the rash shortens the
        # pain and lowers post-herpetic neuralgia: seen the same day while that window is open (age not said: the
        # safer answer).
        Ask("skin.shingles_antiviral", U, SKIN + " 带状疱疹≥50岁72小时内当天抗病毒",
            _skin(lambda c: _shingles(c) and (c.age is None or c.age >= 50) and not c.chronic("blisters", "shingles") and
                  (c.hours("blisters", "shingles", "rash") or 0) <= 72), advice="skin"),
        Ask("skin.child_fever_rash_5d", U, KAWASAKI,
            _skin(lambda c: c.child and c.has("rash") and c.fever and (c.hours("fever") or 0) >= 24 * 5),
            flag="fever.prolonged_child", dept=tx.PAED),
        Ask("skin.shingles", R, SKIN + " 带状疱疹72小时内抗病毒",
            _skin(lambda c: _shingles(c) or
                  (c.has("blisters") and c.has("rash") and (c.age or 0) >= 50 and not c.has("insect_sting", "burn"))),
            advice="skin"),
        Ask("skin.cellulitis_or_lyme", R, SKIN + "; 蜂窝织炎/游走性红斑门诊",
            _skin(lambda c: c.has("red_swollen") and not c.has("insect_sting", "sunburn", "chilblain") or
                  # a ring around a mouth ulcer is the ulcer's (NICE CKS aphthous ulcer: a grey-white base with a
                  # red halo), no erythema migrans
                  c.has("target_rash") and not (c.has("mouth_ulcer") and not c.has("tick_bite")) or
                  c.has("insect_sting") and c.has("spreading")),
            advice="skin"),
        Ask("skin.rash_fever", R, SKIN + " 发热伴皮疹门诊",
            _skin(lambda c: c.has("rash", "blisters") and c.fever and not c.has(*URTI_SX) and
                  not (c.child and c.has("viral_exanthem"))), advice="skin"),   # a child's: fever_rash_child
        Ask("skin.young_infant", R, SKIN + " 小婴儿皮疹",
            _skin(lambda c: c.infant and (c.months or 99) < 3 and c.has("rash")), advice="skin"),
        Ask("skin.persistent", R, SKIN + " 皮疹持续2周以上或加重", _skin(_skin_persistent), advice="skin"),
        Ask("skin.cold_sore", S, SKIN + " 唇疱疹可居家", _cold_sore_only, advice="skin"),
        Ask("skin.minor", S, SKIN + " 轻度皮疹、瘙痒、接触性皮炎可居家", _oral_only, advice="skin", dept=tx.DENT),
    ],
    self_care=Ask("skin.minor", S, SKIN + " 轻度皮疹、瘙痒、接触性皮炎可居家", lambda c: True, advice="skin"))


def _eye_urgent(c: Ctx) -> bool:
    """An eye injury; new flashes or floaters; a red or painful eye with blurred vision, light sensitivity
    or severe pain; a red or painful eye in a contact-lens wearer; vision down (answered); sudden blurring; a
    splash of something that is not named as a chemical (hot oil, a cleaning spray) that left the eye red, sore or
    watering."""
    return c.has("eye_injury") or c.has("flashes_floaters") and (c.sudden("flashes_floaters") or
                                                                 not c.chronic("flashes_floaters")) or \
        (c.has("red_eye", "eye_pain") and (c.has("blurred_vision", "photophobia") or c.severe("eye_pain"))) or \
        c.has("contact_lens") and c.has("red_eye", "eye_pain") or c.yes("eye_vision") or \
        c.has("blurred_vision") and c.sudden("blurred_vision") or \
        c.has("eye_splash") and c.has("red_eye", "eye_pain", "blurred_vision", "watery_eyes")


def _foreign_body_painful_2h(c: Ctx) -> bool:
    return c.has("eye_pain", "red_eye") and (c.hours("eye_foreign_body") or 0) >= 2


def _eye_review(c: Ctx) -> bool:
    """Blurred vision without a red, itchy or dry eye; a week or more; pain that is not mild; an infant's red
    or sticky eye."""
    hours = c.hours("red_eye", "eye_discharge", "stye", "blurred_vision", "eye_pain")
    seasonal_itch = c.has("itchy_eyes") and c.has("seasonal", "familiar_course", "allergic_condition")
    return c.has("blurred_vision") and not c.has("red_eye", "itchy_eyes", "dry_eye") or \
        (hours is not None and hours >= 24 * 7 and not seasonal_itch) or c.has("eye_pain") and not c.mild("eye_pain") or \
        c.infant and c.has("red_eye", "eye_discharge")


# The questions are alternatives, checked in this order; the first that holds answers.
ordered_protocol(
    "eye", tx.EYE, triggers="red_eye eye_pain eye_discharge itchy_eyes eye_injury eye_penetrating "
    "eye_foreign_body eye_chemical eye_splash flashes_floaters halos stye eyelid_swelling dry_eye blurred_vision "
    "watery_eyes", questions="eye_vision", paediatric=False, all_flags=False,
    asks=[
        Ask("eye.chemical", E, EYE,
            lambda c: c.has("eye_chemical") or (c.has("chemical", "pesticide_exposure", "poison_ingestion") and
                                                c.has("red_eye", "eye_pain", "eye_foreign_body", "eye_splash")),
            flag="eye.chemical", advice="eye_chemical"),
        Ask("eye.penetrating", E, EYE + " 眼球穿通伤", lambda c: c.has("eye_penetrating"), flag="eye.penetrating",
            advice="eye"),
        # NICE CKS glaucoma (2022): suspected acute angle-closure glaucoma is referred immediately (sight is lost
        # within hours).
        Ask("eye.acute_glaucoma", E, EYE + " 急性闭角型青光眼; NICE CKS glaucoma 立即转诊",
            lambda c: c.has("halos") and c.has("eye_pain", "red_eye") or
            c.has("eye_pain") and c.has("vomiting", "headache") and c.has("red_eye", "blurred_vision"),
            flag="eye.acute", advice="eye"),
        Ask("eye.urgent", U, EYE + " 眼外伤/视网膜脱离/红眼伴视力下降", _eye_urgent, flag="eye.acute", advice="eye"),
        # NICE CKS corneal superficial injury (2022): a high-velocity fragment (grinding, welding) may have entered
        # the eye: seen the same day.
        Ask("eye.foreign_body", U, EYE + " 角膜异物; NICE CKS 高速金属屑当天眼科",
            lambda c: c.has("eye_foreign_body") and not c.resolved() and
            (_foreign_body_painful_2h(c) or c.has("high_velocity")), advice="eye"),
        Ask("eye.foreign_body", R, EYE + " 角膜异物", lambda c: c.has("eye_foreign_body") and not c.resolved(),
            advice="eye"),
        Ask("eye.review", R, EYE + " 视力渐降/症状超过1周", _eye_review, advice="eye"),
    ],
    self_care=Ask("eye.minor", S, EYE + " 结膜炎/麦粒肿/干眼无视力下降可居家", lambda c: True, advice="eye_self"))


_EAR = ("ear_pain", "ear_discharge", "hearing_loss")


def _dental(c: Ctx) -> bool:
    """Toothache without an ear symptom."""
    return c.has("toothache") and not c.has(*_EAR)


def _parotid(c: Ctx) -> bool:
    return c.has("parotid") and not c.has(*_EAR) and not _dental(c)


def _ear_problem(c: Ctx) -> bool:
    """Ear pain, discharge, tugging, hearing loss, or tinnitus for a week or long-standing."""
    return not _dental(c) and not _parotid(c) and (
        c.has("ear_pain", "ear_discharge", "ear_tugging") or c.has("hearing_loss") or
        c.has("tinnitus") and (c.chronic("tinnitus") or (c.hours("tinnitus") or 0) >= 24 * 7))


def _mild_ear_pain(c: Ctx) -> bool:
    """Mild ear pain in an adult without fever or discharge; a child's ear ache with a cold that NICE CKS otitis
    media leaves to pain relief at home (_ear_pain_to_review)."""
    if not c.has("ear_pain", "ear_tugging") or c.has("ear_discharge", "hearing_loss"):
        return False
    if c.child:
        return not _ear_pain_to_review(c)
    return c.mild("ear_pain") and not c.fever


# The questions are alternatives, checked in this order; the first that holds answers.
ordered_protocol(
    "ear_nose", tx.ENT,
    triggers="ear_pain ear_discharge hearing_loss tinnitus ear_fullness ear_tugging toothache parotid "
    "ear_foreign_body trismus", questions="ear_sudden", all_flags=False,
    asks=[
        # NICE CKS foreign body in the ear (2020): a live insect or a button battery is removed the same day.
        Ask("ear.foreign_body", U, EAR + "; NICE CKS 耳道异物(活虫)当天取出", lambda c: c.has("ear_foreign_body"),
            dept=tx.ENT),
        Ask("dental.explained_by_teething", E, "NICE CKS teething (2021)", explained_by_teething, stop=True),
        Ask("dental.abscess_spreading", U, "口腔颌面部间隙感染当天处理",
            lambda c: _dental(c) and c.has("face_swelling") and c.fever, flag="dental.abscess", dept=tx.DENT),
        Ask("ear.sudden_hearing_loss", U, EAR + " 突发性聋72小时内治疗",
            lambda c: c.has("hearing_loss") and (c.sudden("hearing_loss") or c.yes("ear_sudden")),
            flag="ear.sudden_hearing_loss"),
        Ask("ear.mastoiditis", U, EAR + " 乳突炎",
            lambda c: c.has("ear_pain") and c.fever_high and c.has("face_swelling", "swelling_generic", "red_swollen"),
            flag="ear.mastoid"),
        Ask("dental.toothache", R, GENERAL + "; 牙痛口腔科", lambda c: _dental(c) and not c.mild("toothache"),
            advice="dental", dept=tx.DENT),
        Ask("ear.parotitis", R, "流行性腮腺炎诊疗指南: 腮腺肿大门诊评估并居家隔离", lambda c: _parotid(c) and c.child,
            advice="ear", dept=tx.PAED),
        Ask("ear.parotitis", R, "流行性腮腺炎诊疗指南: 腮腺肿大门诊评估并居家隔离", lambda c: _parotid(c) and not c.child,
            advice="ear", dept=tx.ENT),
        Ask("ear.otitis_or_hearing", R, EAR + " 中耳炎/听力下降门诊",
            lambda c: _ear_problem(c) and not _mild_ear_pain(c), advice="ear"),
        Ask("dental.mild", S, GENERAL, _dental, advice="dental", dept=tx.DENT),
        Ask("ear.mild_pain", S, EAR + " 轻度耳痛多可自愈", _ear_problem, advice="ear"),
    ],
    self_care=Ask("ear.fullness", S, EAR + " 耳闷、短暂耳鸣可观察", lambda c: True, advice="ear"))


def _injury(c: Ctx) -> bool:
    return c.has("fall", "trauma", "sprain", "major_trauma_mech", "fracture_word", "deformity", "bruise")


def _limb_hours(c: Ctx) -> float | None:
    return c.hours("joint_pain", "joint_swelling", "limb_pain", "sprain")


def _injury_review(c: Ctx) -> bool:
    """Clear swelling after an injury (unless the Ottawa rules are negative: NICE CKS sprains and strains (2020),
    rest, ice and review if not better in a week), more than a week, or an older person not mildly hurt who fell or
    may have broken something (NICE NG38 fractures, 2016; NICE NG249 falls, 2025: a fall, swelling, deformity, not
    bearing weight, bone tenderness, or an anticoagulant). An older person's knock that left a bruise and nothing
    else is a bruise."""
    hours = _limb_hours(c)
    fracture_risk = c.has("fall", "swelling_generic", "joint_swelling", "deformity", "cant_bear_weight",
                          "tender_on_press", "fracture_word", "sprain") or c.cond("anticoagulants")
    return _injury(c) and (c.has("swelling_generic", "joint_swelling") and
                           not c.mild("sprain", "swelling_generic", "limb_pain", "joint_pain") and not _ottawa_negative(c)
                           or (hours is not None and hours >= 24 * 7)) or \
        (_injury(c) and c.elderly and not c.mild("trauma") and fracture_risk)


def _ottawa_negative(c: Ctx) -> bool:
    """Ottawa ankle rules (Stiell 1992; NICE NG38): walking on it and no bone tenderness — no X-ray needed,
    however sore the sprain."""
    return c.has("bears_weight") and c.no("tender_on_press") and not c.has("deformity", "cant_bear_weight")


def _foosh_swollen(c: Ctx) -> bool:
    """NICE NG38 fractures (non-complex) (2016) and NICE CKS scaphoid fracture: a fall onto an outstretched hand
    that leaves the wrist swollen or deformed is a distal radius or scaphoid fracture until an X-ray says not."""
    return c.has("foosh") and c.has("swelling_generic", "joint_swelling", "deformity")


def _chronic_joint_pain(c: Ctx) -> bool:
    """Without an injury: two weeks or more, long-standing, morning stiffness (NICE NG100 (2020): suspected
    inflammatory arthritis), an older person, severe or recurrent pain. A limb pain that is a cramp (NICE CKS leg
    cramps (2023): stretching, self-care) is not a joint pain — unless cramps have gone on for weeks or come with
    a regular medicine (a diuretic's salts, a statin: to review)."""
    hours = _limb_hours(c)
    long_standing = (hours is not None and hours >= 24 * 14) or c.chronic("cramp", "joint_pain", "limb_pain")
    on_medicine = c.has("regular_medicine", "bp_medicine", "statin")
    if c.has("cramp") and not c.has("joint_pain"):
        return long_standing or on_medicine
    return not _injury(c) and ((hours is not None and hours >= 24 * 14) or c.chronic("joint_pain", "limb_pain") or
                               c.has("morning_stiffness") or c.elderly or c.severe("joint_pain", "limb_pain") or
                               c.recurrent("joint_pain"))


# The questions are alternatives, checked in this order; the first that holds answers.
ordered_protocol(
    "limb", tx.ORTHO, triggers="joint_pain joint_swelling gout limb_pain sprain deformity fracture_word "
    "muscle_soreness cramp bruise major_trauma_mech trauma open_fracture",
    when=lambda c: c.has("cant_bear_weight") and c.has("fall", "trauma", "sprain"),
    questions="limb_function", paediatric=False, all_flags=False,
    asks=[
        Ask("limb.explained_by_senile_purpura", E, "NICE CKS bruising (2023)", explained_by_senile_purpura, stop=True),
        # A sting, bite, burn or cut: the wound protocol answers.
        Ask("limb.wound_not_joint", E, GENERAL,
            lambda c: c.has("insect_sting", "animal_bite", "burn", "wound") and not _injury(c) and
            not c.has("gout", "joint_pain"), stop=True),
        Ask("limb.major_trauma", E, CONSENSUS + " Ⅰ/Ⅱ级: 高能量损伤",
            lambda c: c.has("major_trauma_mech") and not c.mild("trauma", "limb_pain"), flag="limb.major_trauma",
            advice="limb"),
        Ask("limb.open_fracture", E, CONSENSUS + " Ⅱ级: 开放性骨折",
            lambda c: c.has("deformity") and c.has("wound", "uncontrolled_bleeding") or c.has("open_fracture"),
            flag="limb.fracture", advice="limb"),
        Ask("limb.septic_joint", U, "化脓性关节炎: 热肿关节伴发热当天就医",
            lambda c: c.has("joint_swelling", "red_swollen") and c.fever and not c.has(*URTI_SX),
            flag="limb.septic_joint", advice="limb"),
        Ask("limb.suspected_fracture", U, OTTAWA + " 不能负重/畸形: 需X光",
            lambda c: _injury(c) and (c.has("deformity", "fracture_word", "cant_bear_weight") or c.yes("limb_function")
                                      or c.severe("limb_pain", "joint_pain", "sprain", "trauma") and
                                      c.has("swelling_generic", "joint_swelling") and not _ottawa_negative(c))
            or _foosh_swollen(c),
            flag="limb.fracture",
            advice="limb"),
        Ask("limb.anticoag_haematoma", U, BLEED,
            lambda c: _injury(c) and c.cond("anticoagulants") and c.has("swelling_generic", "joint_swelling", "bruise"),
            flag="bleed.anticoagulant", advice="limb"),
        Ask("limb.gout", R, GOUT + " 急性痛风门诊",
            lambda c: c.has("gout") and c.has("joint_pain", "joint_swelling", "red_swollen", "limb_pain",
                                              "swelling_generic") or c.has("gout") and not _injury(c), advice="limb"),
        # Fingers red, purple and itchy every winter are chilblains (NICE CKS chilblains 2021: self-care).
        Ask("limb.joint_swelling", R, GENERAL + "; 关节肿胀门诊",
            lambda c: c.has("joint_swelling") and not _injury(c) and not c.has("chilblain"), advice="limb"),
        Ask("limb.injury_review", R, OTTAWA + " 明显肿胀/超过1周不好/老年人", _injury_review, advice="sprain"),
        Ask("limb.chronic_pain", R, GENERAL + "; 慢性关节痛门诊", _chronic_joint_pain, advice="limb"),
    ],
    self_care=Ask("limb.minor", S, OTTAWA + " 能负重、无畸形的轻伤可居家", lambda c: True, advice="sprain"))


def _anticoagulated_head_injury_symptomatic(c: Ctx) -> bool:
    """NICE NG232 (2023): on an anticoagulant, a head injury followed by vomiting or a headache that gets worse
    is scanned at once, whatever the count."""
    return c.cond("anticoagulants") and (c.has("vomiting") or c.has("headache") and c.worsening())


def _vomiting_after_head_injury(c: Ctx) -> bool:
    """NICE NG232 (2023) CT within an hour: an adult who vomited more than once, a child three times or more
    (or vomiting that goes on); a count not said counts as enough. One vomit is watched for four hours."""
    n = c.p.numbers.vomit_count
    if _anticoagulated_head_injury_symptomatic(c):
        return True
    if c.has("persistent_vomiting", "vomits_everything") or (c.has("vomiting") and n is None):
        return True
    return n is not None and n >= (3 if c.child else 2)


def _head_hit(c: Ctx) -> bool:
    """A blow to the head — told, answered, or shown by what followed a fall or a knock: no memory of it or a few
    seconds dazed ("摔了 当时懵了几秒", "撞了一下 想不起来怎么摔的") is a head injury with altered awareness whether or
    not the head is named (NICE NG232 head injury, 2023: amnesia or loss of consciousness since the injury)."""
    return c.has("head_injury") or c.yes("fall_head") or \
        (c.has("fall", "trauma") and c.has("amnesia", "dazed"))


# The questions are alternatives, checked in this order; the first that holds answers.
ordered_protocol(
    "fall", tx.ORTHO, triggers="fall head_injury", when=_head_hit, questions="fall_head limb_function", paediatric=False,
    all_flags=False,
    asks=[
        Ask("fall.head_red_flags", E, HEADINJ + " 1小时内CT: 呕吐、意识改变、抽搐",
            lambda c: _head_hit(c) and (_vomiting_after_head_injury(c) or
                                        c.has("syncope", "confusion", "drowsy", "seizure", "unresponsive") or
                                        c.severe("headache") or
                                        c.has("ear_discharge", "epistaxis") and c.severe("head_injury")),
            flag="fall.head_red", advice="head_injury"),
        # A faint with a fall: the syncope protocol answers.
        Ask("fall.after_syncope", E, SYNCOPE, lambda c: c.has("syncope") and c.has("fall"), stop=True),
        # 共识(2018) Ⅰ级 高处坠落; NICE NG41 spinal injury (2016): a fall from more than 1 m or 5 stairs is a dangerous
        # mechanism, and new numbness or weakness of both legs after an injury is a spinal injury until proved otherwise.
        Ask("fall.height", E, CONSENSUS + " Ⅰ级: 高处坠落; NICE NG41 (2016) 危险机制/脊髓损伤",
            lambda c: c.has("major_trauma_mech", "leg_paralysis") or c.near(("fall",), ("height",)),
            flag="limb.major_trauma", advice="limb"),
        Ask("fall.head_vomited_once", U, HEADINJ + " 呕吐一次: 观察4小时",
            lambda c: _head_hit(c) and c.has("vomiting"), flag="fall.head_red", advice="head_injury"),
        Ask("fall.head_anticoagulant", U, HEADINJ + " 抗凝者头部外伤8小时内CT",
            lambda c: _head_hit(c) and c.cond("anticoagulants"), flag="fall.head_anticoag", advice="head_injury",
            dept=tx.NEUROSURG),
        Ask("fall.head_elderly", U, HEADINJ + " ≥65岁/婴儿头部外伤",
            lambda c: _head_hit(c) and (c.elderly or c.infant or c.has("headache", "amnesia", "dazed")),
            flag="fall.head_elderly", advice="head_injury", dept=tx.NEUROSURG),
        # NICE CG124 hip fracture (2011, updated 2023): an older person who cannot stand after a fall, with pain
        # in the hip or leg or a leg turned out or shortened, is taken to hospital by ambulance.
        Ask("fall.hip_fracture", E, FALLS + "; NICE CG124 (2023) 疑似髋部骨折急诊",
            lambda c: c.elderly and c.has("fall") and c.has("cant_bear_weight") and
            c.has("deformity", "joint_pain", "limb_pain", "fracture_word"), flag="fall.hip", advice="fall"),
        Ask("fall.cannot_stand", U, FALLS + "; " + OTTAWA + " 髋部骨折待排",
            lambda c: c.has("fall") and (c.has("cant_bear_weight") or c.yes("limb_function")), flag="fall.hip",
            advice="fall"),
        # NICE CG124 (2023): an older person with hip pain after a fall who still walks may have a fracture the
        # first X-ray misses: imaged the same day.
        Ask("fall.hip_pain_elderly", U, FALLS + "; NICE CG124 (2023) 老人跌倒后髋痛当天拍片",
            lambda c: c.elderly and c.has("fall") and c.has("hip_site") and c.has("joint_pain", "limb_pain"),
            flag="fall.hip", advice="fall"),
        # An older person on an anticoagulant who fell, head not known: assume it was hit.
        Ask("fall.anticoag_head_unknown", U, HEADINJ,
            lambda c: c.elderly and c.has("fall") and c.ans("fall_head") is None and c.cond("anticoagulants"),
            flag="fall.head_anticoag", advice="fall"),
        Ask("fall.elderly_review", R, FALLS + " 老人跌倒需评估原因与骨密度", lambda c: c.elderly and c.has("fall"),
            advice="fall"),
        Ask("fall.minor_head_bump", S, HEADINJ + " 无危险因素的轻微头部碰撞", _head_hit, advice="head_injury"),
    ],
    self_care=Ask("fall.minor", S, FALLS + " 年轻人轻微跌倒", lambda c: True, advice="limb"))


def _ideation_without_plan(c: Ctx) -> bool:
    """C-SSRS; 精神障碍诊疗规范(2020) 自杀风险评估: thoughts of death said to come with no plan and no intent ("没想过怎么做",
    "不会真做"), no preparation and no act — a same-day risk assessment with the crisis line, not a 120 call. A plan,
    the means got ready or an act stay an emergency."""
    return c.has("suicidal") and c.has("no_suicide_plan") and not c.has("suicide_preparation", "self_harm_act")


def _mood_persistent(c: Ctx) -> bool:
    """Low mood for two weeks (or of unknown length), a loss of interest in things (PHQ-2's second item: either item
    asks for an assessment, NICE CG90 2009), a long-standing problem, a month or more, or severe."""
    hours = c.hours("low_mood", "anxiety", "insomnia")
    return c.has("low_mood") and (hours is None or hours >= 24 * 14) or c.has("anhedonia") or \
        c.chronic("low_mood", "anxiety", "insomnia") or (hours is not None and hours >= 24 * 30) or \
        c.severe("anxiety", "insomnia", "low_mood")


ordered_protocol(
    "mental", tx.PSY, triggers="suicidal passive_death_wish suicide_preparation self_harm_act violence psychosis low_mood "
    "anxiety insomnia anhedonia", paediatric=False, all_flags=False,
    asks=[
        Ask("mental.suicide", E, SUICIDE + "; " + CONSENSUS + " Ⅰ级: 自伤行为",
            lambda c: c.has("self_harm_act") or c.has("suicidal") and not _ideation_without_plan(c),
            flag="mental.suicide", advice="mental_crisis"),
        # 精神障碍诊疗规范(2020) 自杀风险评估; C-SSRS: wishing to be dead with preparation (the means got ready, a
        # farewell, a will, possessions given away) is the highest risk, however the wish is worded; so is a farewell
        # from someone treated for depression before (NICE NG225, 2022: past self-harm and mental illness).
        Ask("mental.suicide_preparation", E, SUICIDE + " 有准备行为为高危; WHO Preventing suicide (2014) 警示信号: 送走财物、道别",
            lambda c: c.has("suicide_preparation") and (c.has("passive_death_wish", "low_mood", "psychosis") or
                                                        c.said("low_mood", "past") or c.said("suicidal", "past")),
            flag="mental.suicide", advice="mental_crisis"),
        Ask("mental.violence", E, CONSENSUS + " Ⅰ/Ⅱ级: 暴力行为", lambda c: c.has("violence"), flag="mental.violence",
            advice="mental_crisis"),
        Ask("mental.psychosis_or_passive", U, MENTAL + "; " + SUICIDE, lambda c: c.has("psychosis"),
            flag="mental.psychosis", advice="mental_crisis"),
        Ask("mental.psychosis_or_passive", U, MENTAL + "; " + SUICIDE,
            lambda c: c.has("passive_death_wish") or _ideation_without_plan(c), flag="mental.passive",
            advice="mental_crisis"),
        Ask("mental.persistent", R, MENTAL + " 情绪/睡眠问题超过2周门诊", _mood_persistent, advice="mental"),
    ],
    self_care=Ask("mental.short_term", S, GENERAL + "; 短期失眠/紧张可自我调节", lambda c: True, advice="insomnia",
                  dept=tx.PSY))


def _heat(pred):
    return lambda c: c.has("heat_illness") and pred(c)


def _frostbite(pred):
    """Frostbite, when neither drowning nor heat illness is said (they are answered first)."""
    return lambda c: c.has("frostbite") and not c.has("heat_illness") and pred(c)


ordered_protocol(
    "environment", tx.ED, triggers="heat_illness drowning frostbite", paediatric=False, all_flags=False,
    asks=[
        Ask("env.drowning", E, CONSENSUS + " Ⅰ级", lambda c: c.has("drowning"), flag="env.drowning"),
        Ask("env.heat_stroke", E, HEAT,
            _heat(lambda c: c.has("confusion", "unresponsive", "seizure", "drowsy") or (c.temp or 0) >= 40 or
                  c.has("high_fever_word")), flag="env.heat_stroke", advice="heat"),
        Ask("env.heat_exhaustion", U, HEAT, _heat(lambda c: c.has("persistent_vomiting", "syncope") or c.elderly),
            flag="env.heat_stroke", advice="heat"),
        Ask("env.frostbite", U, "冻伤分度", _frostbite(lambda c: c.has("blisters", "gangrene")), dept="外科"),
        Ask("env.frostbite", R, "冻伤分度", _frostbite(lambda c: True), dept="外科"),
        Ask("env.mild_heat", S, HEAT + " 先兆/轻症中暑", _heat(lambda c: True), advice="heat", dept=tx.GP),
    ])


GENERAL_CODES = frozenset("teething memory_loss fatigue unwell anorexia weight_loss night_sweats lump myalgia tremor "
                          "hunger sweating "
                          "numbness motion_sickness hiccups swelling_generic lethargy polydipsia tinnitus".split())


def _general_review(c: Ctx) -> bool:
    """Weight loss, a lump, night sweats, memory loss or numbness; tiredness, poor appetite or feeling unwell
    that is long-standing, two weeks or more, in an older person, or worsening."""
    return c.has("weight_loss", "lump", "night_sweats", "memory_loss") or c.has("numbness") or \
        c.has("fatigue", "anorexia", "unwell", "lethargy") and (c.chronic("fatigue", "anorexia", "unwell") or
                                                                (c.hours("fatigue", "unwell") or 0) >= 24 * 14 or
                                                                c.elderly or c.worsening())


# Asked only when no other protocol answered (engine); the questions are alternatives.
ordered_protocol(
    "general", tx.GP, paediatric=True, when=lambda c: False, all_flags=False,
    asks=[
        Ask("general.elderly_sudden_weakness", U, GENERAL + "; 老人突发无力(不典型心梗/感染/卒中)",
            lambda c: c.has("fatigue", "lethargy") and c.elderly and c.sudden("fatigue", "lethargy"),
            flag="general.weakness"),
        Ask("general.review", R, GENERAL + "; 消瘦/肿块/持续乏力门诊", _general_review, advice="general"),
        Ask("general.unspecified", R, GENERAL, lambda c: c.has("unwell") and not c.has("fatigue", "myalgia"),
            advice="general"),
        # Self-care is for a short, minor illness; a long-standing symptom is reviewed in clinic.
        Ask("general.long_standing", R, GENERAL + "; 长期症状门诊评估",
            lambda c: (c.p.any_chronic or c.recurrent(*GENERAL_CODES)) and not c.has("familiar_course"),
            advice="general"),
    ],
    self_care=Ask("general.minor", S, GENERAL, lambda c: True, advice="general"))


_HIGH_RISK_PAST = frozenset(("chest_pain", "chest_tightness", "syncope", "seizure", "dyspnoea", "severe_dyspnoea",
                             "face_droop", "unilateral_weakness", "speech", "unilateral_numbness", "vision_loss",
                             "haematemesis", "melena", "thunderclap", "palpitations", "unresponsive", "confusion"))


@functools.cache
def _finding_codes() -> frozenset[str]:
    return frozenset(code for code, concept in lexicon().concepts.items() if concept.kind == "finding")


def episode_over(c: Ctx) -> bool:
    """An episode that is over, and nothing else said is happening now ("哭了两声就好了 没昏 没吐 现在照样玩", "去年晕倒
    过一回 … 都没事 这一年多都好好的"): at least one finding resolved or past, none present. Denials alone do not
    count (the point of the message may be a word the lexicon does not know yet). Used only when no protocol
    answered."""
    findings = _finding_codes()
    said = [m for m in c.p.mentions if m.code in findings]
    over = [m for m in said if m.assertion in ("resolved", "past")]
    asks_for_a_check = c.has("check_request") and not c.has("investigated_normal")
    # A recent episode (this month, or of unknown date) of a red-flag complaint (chest pain, a faint, a stroke sign,
    # a fit, breathlessness) is reassuring only once it was investigated and found normal.
    recent = [m for m in over if m.code in _HIGH_RISK_PAST and (c.p.clauses[m.clause].hours or 0) <= 24 * 30]
    high_risk = bool(recent) and not c.has("investigated_normal")
    return bool(over) and all(m.assertion != "present" for m in said) and not asks_for_a_check and not high_risk


# Asked only when no other protocol answered (engine): what was told is over or denied. Self-care with the signs
# that would need a doctor; a message where nothing at all was recognised stays routine, asking for detail.
ordered_protocol(
    "all_over", tx.GP, paediatric=True, when=lambda c: False, asks=[],
    self_care=Ask("general.all_over", S, GENERAL + "; 已缓解/已否认的症状可居家观察", lambda c: True,
                  advice="all_over"))


def care_question(c: Ctx) -> bool:
    """A question about what one may eat, drink or take, or about a missed dose of one's regular medicine
    (「糖尿病能吃西瓜不」, 「降压药忘吃了 要不要补」), with no finding present. Used only when no protocol answered:
    a symptom, a reading or an overdose said in the same message is answered by its own protocol."""
    return c.said("care_question", "present", "hypothetical") and not c.has("med_change_request") and \
        not any_finding_present(c)


def _stated_well(c: Ctx) -> bool:
    """Said to feel well ("人好好的", "没什么不舒服", "能吃能喝")."""
    return c.has("feels_well", "active_child") or c.no("unwell")


def any_finding_present(c: Ctx, except_: tuple[str, ...] = ()) -> bool:
    findings = _finding_codes()
    return any(m.code in findings and m.code not in except_ and m.assertion == "present" for m in c.p.mentions)


# Asked only when no other protocol answered (engine): a medicine or diet question is answered by the team in
# working hours (规范 第三版: 用药指导 is part of the contracted follow-up); it needs no visit.
ordered_protocol(
    "care_question", tx.GP, paediatric=True, when=lambda c: False, asks=[],
    self_care=Ask("general.care_question", S, GENERAL + "; 用药、饮食问题由家庭医生答复", lambda c: True,
                  advice="care_question"))


# Tie-break priority between departments at the same level (registration order otherwise).
_PRIORITY = ("consciousness", "stroke", "chest_pain", "dyspnoea", "palpitations", "syncope", "headache", "dizziness",
             "abdominal_pain", "gastro", "respiratory", "fever")
PROTOCOLS.sort(key=lambda p: _PRIORITY.index(p.code) if p.code in _PRIORITY else len(_PRIORITY))
from app.services.triage import coverage as _coverage  # noqa: E402,F401  (registers the ordered protocols)
