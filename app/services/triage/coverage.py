"""Protocols written as ordered disposition questions (app.services.triage.ordered), for
presentations the function protocols did not cover. Each question cites its source.
"""
from __future__ import annotations

from app.services.triage import texts as tx
from app.services.triage.context import E, R, S, U
from app.services.triage.ordered import Ask, ordered_protocol, reassurance_protocol
from app.services.triage.protocols import (BLEED, BREAST, CCB_SE, CHOLINERGIC_SIGNS, GENERAL, IMCI, KAWASAKI,
                                             NICE_FEVER, RASH_FEVER_CHILD, THRUSH, any_finding_present,
                                             _bp_at_least, explained_by_roseola, explained_by_vaccine_reaction)

# Fever with a rash in a child: non-blanching rash or danger signs are red (NICE NG143); any other
# fever with a rash is seen the same day (measles, scarlet fever, Kawasaki, meningococcal disease early).
ordered_protocol(
    "fever_rash_child", tx.PAED,
    when=lambda c: c.child and c.fever and c.has("rash", "hives", "petechiae", "target_rash"),
    asks=[
        Ask("fever_rash.explained_by_roseola", E, "NICE CKS roseola infantum (2021)", explained_by_roseola, stop=True),
        Ask("fever_rash.explained_by_vaccine_reaction", E, "预防接种工作规范(2016)", explained_by_vaccine_reaction,
            stop=True),
        Ask("fever_rash.non_blanching", E, NICE_FEVER + " 红: 按压不褪色皮疹", lambda c: c.has("petechiae"),
            ask="fever_red", flag="fever.rash_non_blanching", advice="fever_child"),
        Ask("fever_rash.danger_sign", E, IMCI + " 一般危险体征",
            lambda c: c.has("lethargy", "unresponsive", "drowsy", "seizure", "neck_stiffness", "poor_feeding"),
            flag="fever.child_danger", advice="fever_child"),
        Ask("fever_rash.same_day", U, RASH_FEVER_CHILD, lambda c: not c.has("viral_exanthem"),
            flag="fever.rash_child", advice="fever_child"),
    ],
    # A named mild viral exanthem (hand-foot-mouth, chickenpox, roseola) without danger signs: the
    # clinic, or self-care where the skin protocol says so (NICE CKS HFMD, chickenpox) — and at home in a child
    # who plays and drinks without a high fever (NICE CKS HFMD (2023): self-limiting, fluids and paracetamol).
    otherwise=("fever_rash.named_viral_exanthem", "NICE CKS hand, foot and mouth disease; chickenpox (2023)",
               "fever_child"),
    self_care=Ask("fever_rash.viral_exanthem_home", S, "NICE CKS hand, foot and mouth disease; chickenpox (2023)",
                  lambda c: c.has("viral_exanthem") and c.has("active_child") and not c.fever_high,
                  advice="fever_child"))

# An eyelid that twitches (eyelid myokymia: American Academy of Ophthalmology, EyeWiki "Eyelid myokymia", 2023): benign
# and self-limiting, from tiredness, stress or caffeine; the face's other signs are the stroke and facial-palsy
# protocols' (a drooping face, an eye that will not close, the twitch spreading over half the face).
reassurance_protocol("eyelid_twitch", tx.EYE,
                     when=lambda c: c.has("eyelid_twitch") and not c.has("face_droop", "eye_closure_weak", "speech",
                                                                          "unilateral_weakness", "vision_loss"),
                     rule="eye.eyelid_myokymia", source="AAO EyeWiki eyelid myokymia (2023) 眼睑肌纤维颤搐",
                     advice="eyelid_twitch", paediatric=True)

# A new breast lump: suspected-cancer pathway (NICE NG12); red, hot and feverish is an abscess.
ordered_protocol(
    "breast_lump", tx.SURG, triggers="breast_lump", paediatric=False,
    asks=[
        Ask("breast.abscess", U, "NICE CKS mastitis and breast abscess (2021)",
            lambda c: c.has("red_swollen", "pus") and c.fever, flag="breast.abscess"),
        # NICE CKS mastitis and breast abscess (2021): a red, hot, painful breast while breastfeeding is mastitis
        # (seen within a day if not better with feeding and pain relief).
        Ask("breast.mastitis", R, "NICE CKS mastitis and breast abscess (2021)",
            lambda c: c.has("breastfeeding") and (c.has("red_swollen") or c.fever), advice="breast"),
    ],
    # A tender lump while breastfeeding that shrinks after a feed, without redness or fever, is a blocked duct:
    # keep feeding from that side, warmth and massage toward the nipple (NICE CKS mastitis, 2021).
    self_care=Ask("breast.blocked_duct", S, "NICE CKS mastitis and breast abscess (2021) 哺乳期乳汁淤积",
                  lambda c: c.has("breastfeeding") and not c.has("red_swollen", "pus")
                  and not c.fever, advice="blocked_duct"),
    otherwise=("breast.new_lump", BREAST, "breast"))

# Adverse effects of a medicine: ankle swelling on a dihydropyridine calcium-channel blocker (amlodipine,
# nifedipine) is reviewed, not stopped alone; one-sided, painful or breathless swelling goes to its own
# protocols. Muscle pain with dark urine on a statin, and a rash with fever on a new medicine, are seen today.
STATIN_SE = "NICE CKS lipid modification (2023); MHRA statins: 肌痛伴乏力或浓茶色尿停药当天查CK(横纹肌溶解)"
DRUG_RASH = "NICE CKS drug allergy (2023); 重症药疹诊疗专家共识: 新用药后皮疹伴发热(DRESS/SJS)当天就医"


def _on_statin_with_muscle_symptoms(c) -> bool:
    return c.has("statin") and c.has("myalgia", "muscle_soreness", "limb_pain", "fatigue", "dark_urine")


def _rash_with_fever_on_new_drug(c) -> bool:
    return c.has("drug_trigger") and c.has("rash", "hives") and c.fever


def _rash_on_high_risk_drug(c) -> bool:
    """A new rash on allopurinol, carbamazepine, lamotrigine, phenytoin or a sulfonamide: the drugs behind most
    SJS/TEN and DRESS (重症药疹诊疗专家共识; NICE CKS drug allergy): stopped and seen the same day."""
    return c.has("sjs_risk_drug") and c.has("rash", "hives", "blisters")


# The medicines residents take for years; a symptom the message puts down to one of them, or a wish to change
# it, is reviewed by the family doctor (规范 第三版: 药物不良反应 2周内随访), not left to self-care. (Black stool on
# iron is the expected effect, explained_by_dark_stool.)
REGULAR_MEDICINES = ("regular_medicine", "bp_medicine", "ccb", "statin", "cond_sulfonylurea", "cond_insulin",
                     "antithyroid", "digoxin", "high_risk_medicine", "antiplatelet")


def _attributed_to_a_regular_medicine(c) -> bool:
    return c.has(*REGULAR_MEDICINES) and c.has("since_starting", "exposure_then", "drug_trigger",
                                               "med_change_request") and any_finding_present(c)


ordered_protocol(
    "medicine_side_effect", tx.GP, paediatric=False,
    when=lambda c: c.has("ccb") and c.has("leg_swelling", "face_swelling", "joint_swelling") or
    _on_statin_with_muscle_symptoms(c) or _rash_with_fever_on_new_drug(c) or _rash_on_high_risk_drug(c) or
    _attributed_to_a_regular_medicine(c),
    asks=[
        Ask("med.ccb_oedema_breathless", U, CCB_SE + "; 心衰待排",
            lambda c: c.has("ccb") and c.has("dyspnoea", "orthopnoea"), flag="leg.hf"),
        Ask("med.statin_rhabdomyolysis", U, STATIN_SE,
            lambda c: _on_statin_with_muscle_symptoms(c) and
            (c.has("dark_urine") or c.has("fatigue") and c.has("myalgia", "muscle_soreness", "limb_pain")),
            flag="med.statin_muscle"),
        Ask("med.drug_rash_fever", U, DRUG_RASH, _rash_with_fever_on_new_drug, flag="med.drug_rash", dept=tx.DERM),
        Ask("med.high_risk_drug_rash", U, DRUG_RASH, _rash_on_high_risk_drug, flag="med.drug_rash", dept=tx.DERM),
    ],
    otherwise=("med.review", CCB_SE + "; " + STATIN_SE, "medicine"))

# Oral thrush: self-care (pharmacist) in a feeding baby; poor feeding, an adult without a reason,
# or immunosuppression is seen (NICE CKS candida - oral).
ordered_protocol(
    "oral_thrush", tx.GP, triggers="oral_thrush",
    asks=[
        # White spots with painful ulcers in someone who gets them (NICE CKS aphthous ulcer, 2023): the ulcers.
        Ask("thrush.explained_by_ulcer", R, "NICE CKS aphthous ulcer (2023)",
            lambda c: c.has("mouth_ulcer") and not c.infant, stop=True),
        Ask("thrush.review", R, THRUSH, lambda c: c.has("poor_feeding") or c.cond("immunosuppressed") or not c.child,
            advice="thrush"),
    ],
    self_care=Ask("thrush.self_care", 0, THRUSH, lambda c: True, advice="thrush"))

# Blood-streaked saliva is not vomited blood: gums, nose or throat; seen in clinic.
ordered_protocol(
    "saliva_blood", tx.ENT, triggers="saliva_blood", paediatric=False,
    when=lambda c: False,
    asks=[],
    otherwise=("mouth.saliva_blood", "NICE CKS haemoptysis (2023): blood-streaked saliva without cough -> "
               "routine review of gums, nose and throat", "saliva_blood"))


def _seen_in_clinic(code: str, dept: str, triggers: str, rule: str, source: str, advice: str | None = None) -> None:
    """A protocol whose one answer is a family-doctor visit within days (routine): a finding that needs a look, a
    test read or a treatment decided, and nothing urgent that another protocol would not answer."""
    ordered_protocol(code, dept, triggers=triggers, paediatric=False, asks=[], otherwise=(rule, source, advice))


# Carpal tunnel syndrome (NICE CKS, 2023): numbness of the thumb and first fingers that wakes at night and is shaken
# off — wrist splint and review in clinic; the stroke protocol's explained_by_carpal_tunnel keeps it from the stroke
# signs.
_seen_in_clinic("carpal_tunnel", tx.NEURO, "carpal_tunnel", "hand.carpal_tunnel",
                "NICE CKS carpal tunnel syndrome (2023): 夜间手指麻醒、甩手缓解 -> 门诊")

# A device's report of an irregular rhythm (a watch, a BP monitor, a check-up ECG) without symptoms: an ECG to confirm
# it and, for atrial fibrillation, the stroke-risk assessment within days (NICE NG196 atrial fibrillation, 2021);
# palpitations, fainting or a fast or slow pulse go to their own protocols.
_seen_in_clinic("device_arrhythmia", tx.CARDIO, "device_arrhythmia", "heart.device_arrhythmia",
                "NICE NG196 (2021): 设备提示房颤/心律不齐而无症状 -> 门诊心电图与卒中风险评估")

# Hair loss (NICE CKS alopecia, 2023): diffuse shedding two to six months after a birth, a fever or a crash diet is
# telogen effluvium and grows back (self-care); patches, an itchy or scaly scalp, or tiredness and weight change
# (thyroid, anaemia) are seen in clinic.
ordered_protocol(
    "hair_loss", tx.DERM, triggers="hair_loss", paediatric=False,
    asks=[Ask("hair.review", R, "NICE CKS alopecia (2023): 斑片状脱发/头皮病变/伴乏力体重变化 -> 门诊",
              lambda c: c.has("hair_patchy", "itch", "rash", "fatigue", "weight_loss", "chills") or
              not (c.has("postpartum", "crash_diet") or c.fever)),
          Ask("hair.telogen_effluvium", S, "NICE CKS alopecia (2023): 产后/发热/节食后2-6个月弥漫性脱发可自行恢复",
              lambda c: True, advice="hair_shedding")])

# A laboratory value said to be out of range (uric acid, liver enzymes, creatinine, lipids, a thyroid test): the
# family doctor reads it with the rest and decides on a repeat or a referral (国家基本公共卫生服务规范 第三版 健康体检
# 异常结果的随访).
_seen_in_clinic("lab_result", tx.GP, "lab_abnormal", "lab.abnormal_result",
                "国家基本公共卫生服务规范(第三版): 体检/化验异常 -> 家庭医生门诊复查解读")

# Gums that bleed on brushing (NICE CKS gingivitis and periodontitis, 2023): a dental and family-doctor review; on
# aspirin or clopidogrel too (a bleed that stops with pressure is minor), with the anticoagulant protocol's same-day
# check for warfarin and the like.
_seen_in_clinic("gum_bleeding", tx.GP, "gum_bleeding", "mouth.gum_bleeding",
                "NICE CKS gingivitis and periodontitis (2023): 刷牙牙龈出血 -> 口腔/家庭医生门诊", advice="saliva_blood")

# Bleeding while on an anticoagulant: major bleeding (GI, vomited or coughed blood, a head injury,
# faintness, bleeding that will not stop) is an emergency; any other bleeding needs a same-day INR /
# clinical check (NICE CKS anticoagulation - oral (2023); 2018 共识 Ⅱ级 活动性出血).
ANTICOAG = "NICE CKS anticoagulation - oral (2023): major bleeding -> emergency; minor bleeding -> same-day review"
_MAJOR = ("melena", "haematemesis", "haemoptysis", "uncontrolled_bleeding", "bloody_stool")
_ANY_BLEED = _MAJOR + ("gum_bleeding", "epistaxis", "haematuria", "bruise", "vaginal_bleeding", "bleeding_generic",
                       "sputum_blood", "petechiae", "menorrhagia", "minor_rectal_blood")  # a head injury: the fall protocol
ordered_protocol(
    "anticoagulant_bleeding", tx.GP, paediatric=False,
    when=lambda c: (c.cond("anticoagulants") or c.has("cond_anticoagulants")) and c.has(*_ANY_BLEED),
    asks=[
        Ask("anticoag.major_bleed", E, ANTICOAG + "; " + BLEED,
            lambda c: c.has(*_MAJOR) or (c.has(*_ANY_BLEED) and c.has("syncope", "near_syncope", "dizziness")),
            flag="bleed.anticoagulant", advice="bleeding"),
        Ask("anticoag.minor_bleed", U, ANTICOAG, lambda c: not c.resolved() or c.has("gum_bleeding", "haematuria"),
            flag="bleed.anticoagulant", advice="anticoag", dept=tx.GP),
    ],
    otherwise=("anticoag.resolved_bleed", ANTICOAG, "anticoag"))

# A dry cough on blood-pressure medicine (ACE inhibitors: 卡托普利, 依那普利 … "普利") is an adverse
# effect to review and switch, not a cold to wait out; fever or breathlessness go to their own protocols.
ACE_COUGH = "NICE CKS hypertension (2023) / NICE NG136: ACE-inhibitor cough -> review, offer an ARB instead"
ordered_protocol(
    "bp_medicine_cough", tx.GP, paediatric=False,
    when=lambda c: c.has("bp_medicine") and c.has("cough") and not c.fever,
    asks=[],
    otherwise=("med.ace_cough", ACE_COUGH, "medicine"))

# Fever in a child with the mucocutaneous signs of Kawasaki disease (red eyes, red cracked lips,
# swollen hands or feet, rash): assessed the same day even before day 5, since incomplete Kawasaki
# disease is diagnosed from day 4 with enough features (KAWASAKI; NICE NG143 amber).
_KAWASAKI_SIGNS = ("red_eye", "dry_mouth", "leg_swelling", "face_swelling", "rash")
ordered_protocol(
    "kawasaki_signs", tx.PAED,
    when=lambda c: c.child and c.fever and c.count(*_KAWASAKI_SIGNS) >= 3,
    asks=[Ask("kawasaki.features", U, KAWASAKI + " 发热伴眼红、唇红干裂、手足肿、皮疹", lambda c: True,
              flag="fever.prolonged_child", advice="fever_child")])


# After a birth (the six weeks of the puerperium). RCOG GTG52 postpartum haemorrhage (2016): heavy bleeding with
# clots, or bleeding with dizziness or faintness, is an emergency; RCOG GTG64b bacterial sepsis following pregnancy
# (2012): a fever with rigors, a fast heart or offensive lochia is sepsis until shown otherwise; NICE CG192
# antenatal and postnatal mental health (2020): postpartum psychosis (hallucinations, strange beliefs, thoughts of
# harming the baby) needs assessment at once.
POSTPARTUM = "RCOG GTG52 postpartum haemorrhage; RCOG GTG64b sepsis following pregnancy; NICE CG192"


def _postpartum_fever(c) -> bool:
    return c.has("postpartum") and c.fever and not c.pregnant


ordered_protocol(
    "postpartum", tx.OBGYN, paediatric=False,
    when=lambda c: c.has("postpartum") and not c.pregnant and
    (c.fever or c.has("vaginal_bleeding", "menorrhagia", "foul_lochia", "psychosis") or c.v.systolic is not None),
    asks=[
        # NICE NG133 hypertension in pregnancy (2019) §1.9 postnatal care; 妊娠期高血压疾病诊治指南(2020): pre-eclampsia
        # may first appear or worsen in the weeks after birth: a pressure of 160/110, or 140/90 with a severe headache,
        # spots or blurring before the eyes or pain under the ribs, goes to hospital now.
        Ask("postpartum.preeclampsia", E, POSTPARTUM + "; NICE NG133 (2019) 产后子痫前期",
            lambda c: _bp_at_least(c, 160, 110) or _bp_at_least(c, 140, 90) and
            (c.severe("headache") or c.has("blurred_vision", "near_syncope", "epigastric", "seizure")),
            flag="preg.headache", advice="pregnancy"),
        Ask("postpartum.haemorrhage", E, POSTPARTUM + "; " + BLEED,
            lambda c: c.has("vaginal_bleeding", "menorrhagia") and
            (c.has("dizziness", "syncope", "near_syncope", "pallor") or
             c.has("clots", "heavy_bleeding_word") and c.severe("vaginal_bleeding", "menorrhagia")),
            flag="gyn.heavy_bleeding", advice="bleeding"),
        Ask("postpartum.sepsis", E, POSTPARTUM + " 产褥期脓毒症",
            lambda c: _postpartum_fever(c) and (c.has("chills", "palpitations", "foul_lochia", "confusion", "drowsy")
                                                or (c.v.pulse or 0) >= 110), flag="fever.sepsis", advice="fever"),
        Ask("postpartum.psychosis", E, POSTPARTUM + " 产后精神病", lambda c: c.has("psychosis"),
            flag="mental.psychosis", advice="mental_crisis", dept=tx.PSY),
        Ask("postpartum.fever", U, POSTPARTUM + " 产后发热当天评估",
            lambda c: _postpartum_fever(c) or c.has("foul_lochia"), flag="fever.postpartum", advice="fever"),
    ])


# Hand, foot and mouth disease (手足口病诊疗指南 2018年版, 重症病例早期识别): a fever of 39 °C or more that does not
# settle, sleepiness or poor spirits, startles or limb jerks, vomiting, or fast breathing are the signs of the
# severe (nervous-system) form: hospital now.
HFMD = "手足口病诊疗指南(2018年版) 重症早期识别"
ordered_protocol(
    "hfmd_severe", tx.PAED,
    when=lambda c: c.has("hfmd") and (c.has("myoclonus", "lethargy", "drowsy", "unresponsive", "seizure",
                                            "fast_breathing", "dyspnoea") or
                                      c.has("vomiting") and (c.fever_high or (c.temp or 0) >= 39)),
    asks=[Ask("hfmd.severe_signs", E, HFMD, lambda c: True, flag="fever.child_danger", advice="child_danger")])


# A child's limp or a leg not put down, with a fever and no injury, is a septic joint or osteomyelitis until shown
# otherwise (NICE CKS acute childhood limp (2022): fever with a limp -> same-day assessment); a young child's arm
# that hangs unused after a pull is a pulled elbow (radial head subluxation; NICE CKS / RCEM: reduced the same
# day). Both are seen the same day.
CHILD_LIMP = "NICE CKS acute childhood limp (2022); 桡骨小头半脱位(牵拉肘)当天复位"
ordered_protocol(
    "child_limb", tx.PAED,
    when=lambda c: c.child and (c.has("limp", "cant_bear_weight") and c.fever and not c.has("fall", "trauma") or
                                c.has("arm_pulled") and c.has("arm_not_used", "limb_pain")),
    asks=[Ask("child.limp_fever", U, CHILD_LIMP, lambda c: c.fever, flag="limb.septic_joint", advice="limb"),
          Ask("child.pulled_elbow", U, CHILD_LIMP, lambda c: True, flag="limb.pulled_elbow", advice="limb")])

# Swelling of the lips, face or tongue on an ACE inhibitor (…普利) is the drug's angioedema: it can come months
# into treatment, without an allergen, and can reach the airway. Stop the drug, seen the same day (NICE CKS
# angioedema and urticaria (2023); MHRA). Throat, voice or breathing signs are answered by the allergy protocol.
ACE_ANGIOEDEMA = "NICE CKS angioedema (2023): ACE抑制剂(普利类)血管性水肿停药当天就医"
ordered_protocol(
    "ace_angioedema", tx.GP, paediatric=False,
    when=lambda c: c.has("ace_inhibitor") and c.has("face_swelling", "tongue_swelling"),
    asks=[Ask("med.ace_angioedema", U, ACE_ANGIOEDEMA, lambda c: True, flag="allergy.angioedema", advice="allergy")])

# A young infant's red, smelly or weeping umbilicus (WHO IMCI young infant: local bacterial infection; redness
# spreading to the skin around it is serious), a newborn's eyes swollen with pus in the first four weeks (NICE CKS
# conjunctivitis (2022): ophthalmia neonatorum, same day), and jaundice with pale stools or dark urine (NICE CG98
# neonatal jaundice (2016): cholestasis, biliary atresia; at any age an obstructive jaundice, NICE NG12) are seen
# the same day.
NEWBORN = "WHO IMCI young infant (2014); NICE CKS conjunctivitis (2022); NICE CG98 neonatal jaundice (2016)"
ordered_protocol(
    "newborn_signs", tx.PAED,
    when=lambda c: c.has("umbilical_infection") or
    c.has("umbilical_stump") and c.has("foul_smell", "pus", "rash", "red_swollen", "bleeding_generic") or
    c.has("jaundice") and c.has("pale_stool", "dark_urine") or
    c.infant and (c.months or 99) < 1 and c.has("eye_discharge", "pus") and c.has("eyelid_swelling", "red_eye"),
    asks=[Ask("newborn.same_day", U, NEWBORN, lambda c: True, flag="child.newborn", advice="child_danger")])


# Nothing to treat, said as such (named rules): an animal licking unbroken skin is a category I exposure needing
# no vaccine (狂犬病暴露预防处置工作规范 2023: I级暴露——接触或喂养动物、完好的皮肤被舔, 无需处置); food a day or
# two past its date, eaten without a symptom since (国家食品安全风险评估中心 consumer guidance: watch for vomiting,
# diarrhoea, pain or fever).
RABIES_I = "狂犬病暴露预防处置工作规范(2023) Ⅰ级暴露: 完好皮肤被舔无需处置"
reassurance_protocol(
    "animal_lick", tx.GP,
    when=lambda c: c.has("animal_lick") and not c.has("animal_bite", "wound", "scratch", "bleeding_generic"),
    rule="bite.lick_intact_skin", source=RABIES_I, advice="animal_lick")

_FOOD_ILLNESS = ("vomiting", "persistent_vomiting", "diarrhoea", "abdominal_pain", "nausea", "fever", "dizziness",
                 "drowsy", "confusion", "dyspnoea", "rash", "hives")
reassurance_protocol(
    "expired_food", tx.GP, when=lambda c: c.has("expired_food") and not c.has(*_FOOD_ILLNESS) and not c.fever,
    rule="food.expired_no_symptoms", source=GENERAL, advice="expired_food")


# What frightens new parents and is normal (NHS "Your newborn baby's health" and "Newborn skin and birthmarks",
# 2023; AAP, Caring for your baby and young child, 7th ed.): hiccups, eyes that cross now and then in the first
# months, a fontanelle that pulses, cradle cap, milia, stork marks, Mongolian blue spots, erythema toxicum and green
# stools on breast milk — looked after at home, unless the baby is feverish, feeding poorly, floppy or sleepy,
# vomiting, or the fontanelle bulges or sinks.
_NEWBORN_WORRY = ("poor_feeding", "lethargy", "drowsy", "unresponsive", "persistent_vomiting", "vomits_everything",
                  "bulging_fontanelle", "sunken_fontanelle", "seizure", "jaundice", "dyspnoea", "fast_breathing",
                  "cyanosis", "diarrhoea", "bloody_stool", "petechiae", "irritable")


def _newborn_normal(c) -> bool:
    return c.said("newborn_normal", "present", "normal", "hypothetical") and (c.age is None or c.age < 1)


ordered_protocol(
    "newborn_normal", tx.PAED, when=_newborn_normal, asks=[],
    self_care=Ask("newborn.normal_finding", S, "NHS newborn baby's health (2023); AAP Caring for your baby",
                  lambda c: not c.has(*_NEWBORN_WORRY) and not c.fever, advice="newborn_normal"),
    otherwise=("newborn.with_signs", IMCI, "child_danger"))

# A question about measuring blood pressure (readings that differ from one to the next, the two arms, whether the
# monitor is right): answered with how to measure (中国高血压防治指南 2018, 家庭血压监测: 同一时间连测2-3次取平均,
# 两臂差<20 mmHg 属正常); a reading or a symptom in the same message is answered by its own protocol.
reassurance_protocol(
    "bp_measurement", tx.GP,
    when=lambda c: c.has("bp_measurement_question") and not any_finding_present(c, except_=("bp_measurement_question",)),
    rule="bp.measurement_question", source="中国高血压防治指南(2018) 家庭血压监测", advice="bp_measurement")


# Conditions that hide behind milder words (each an emergency by its own guideline):
# - acute limb ischaemia: a limb suddenly cold and pale, pulseless, numb or in severe pain (NICE CG147 peripheral
#   arterial disease (2020): acute limb ischaemia -> emergency vascular referral);
# - peritonitis: a belly as hard as a board (共识(2018) Ⅱ级 急腹症; NICE CKS peptic ulcer: perforation);
# - mesenteric ischaemia: sudden severe belly pain in atrial fibrillation, often worse than the soft belly suggests
#   (ESVS 2017 mesenteric ischaemia);
# - epiglottitis: a child with fever who drools, sits leaning forward or has stridor (NICE CKS croup (2023):
#   suspected epiglottitis -> 999, do not examine the throat);
# - atypical acute coronary syndrome: sudden weakness, cold sweat with nausea or breathlessness and no chest pain,
#   in the old or diabetic (NICE CG95 (2016); 急性冠脉综合征急诊快速诊治指南 2019).
HIDDEN = "NICE CG147; 共识(2018) Ⅱ级 急腹症; ESVS 2017; NICE CKS croup; NICE CG95"


def _limb_ischaemia(c) -> bool:
    pale_and_cold = c.has("cold_limb") and (c.has("pulseless_limb", "numbness", "unilateral_numbness") or
                                            c.severe("limb_pain") or c.sudden("cold_limb"))
    # Pressure while asleep explains numbness (explained_by_compression), never a limb without a pulse.
    return (pale_and_cold or c.has("one_limb_cold") and c.has("pulseless_limb")) and \
        (not c.has("compression") or c.has("pulseless_limb"))


def _atypical_acs(c) -> bool:
    at_risk = (c.age or 0) >= 65 or c.diabetic
    return at_risk and c.has("sweating") and c.has("nausea", "vomiting", "dyspnoea", "fatigue") and \
        c.sudden("sweating", "nausea", "fatigue", "dyspnoea") and not c.has("hunger", "tremor")


def _epiglottitis(c) -> bool:
    return c.child and c.fever and c.has("drooling", "tripod") and c.has("stridor", "tripod")


def _mesenteric_ischaemia(c) -> bool:
    """Severe belly pain of sudden or recent onset (hours) in atrial fibrillation — pain out of proportion to a soft
    belly is the classic warning (ESVS 2017 mesenteric ischaemia)."""
    hours = c.hours("abdominal_pain")
    return c.has("abdominal_pain") and c.cond("atrial_fibrillation") and c.severe("abdominal_pain") and \
        (c.sudden("abdominal_pain") or hours is not None and hours <= 12)


_HIDDEN_ASKS = [
    Ask("hidden.limb_ischaemia", E, HIDDEN + " 急性肢体缺血", _limb_ischaemia, flag="limb.ischaemia"),
    Ask("hidden.peritonitis", E, HIDDEN + " 板状腹", lambda c: c.has("rigid_abdomen"), flag="abdo.severe"),
    Ask("hidden.mesenteric", E, HIDDEN + " 房颤突发剧烈腹痛(肠系膜缺血)", _mesenteric_ischaemia, flag="abdo.severe"),
    Ask("hidden.epiglottitis", E, HIDDEN + " 会厌炎", _epiglottitis, flag="resp.stridor", advice="child_danger"),
    Ask("hidden.atypical_acs", E, HIDDEN + " 不典型急性冠脉综合征", _atypical_acs, flag="chest.acs_features",
        advice="chest"),
]
ordered_protocol("hidden_emergency", tx.ED, when=lambda c: any(a.yes(c) for a in _HIDDEN_ASKS), asks=_HIDDEN_ASKS)

# Fever for a week or more in someone with a heart valve disease or murmur (after dental work, often) is infective
# endocarditis until shown otherwise: seen the same day with blood cultures (NICE CG64 (2016); ESC 2023 endocarditis).
ordered_protocol(
    "endocarditis_risk", tx.CARDIO, paediatric=False,
    when=lambda c: c.has("valve_disease") and c.fever and ((c.hours("fever") or 0) >= 24 * 7 or c.recurrent("fever")
                                                          or c.has("night_sweats", "weight_loss")),
    asks=[Ask("fever.endocarditis", U, "NICE CG64 (2016); ESC 2023 感染性心内膜炎", lambda c: True, flag="fever.sepsis",
              advice="fever")])

# Snoring with pauses in breathing at night and sleepiness by day (NICE NG202 obstructive sleep apnoea (2021); AAP
# clinical practice guideline, childhood OSA (2012): snoring with pauses, large tonsils): a clinic referral for a
# sleep study, whatever else the message says — a cold beside it does not make it self-care.
# A baby's pause in breathing is no snorer's apnoea: AAP clinical practice guideline, brief resolved unexplained
# events (BRUE, 2016) — an infant under a year whose breathing stopped is seen the same day, at once when two
# months old or less (high risk: under 60 days) or blue, limp or not yet come round.
ordered_protocol(
    "sleep_apnoea", tx.GP, triggers="sleep_apnoea", asks=[
        Ask("child.infant_apnoea", E, "AAP BRUE (2016): 高危(<2月龄, 发绀, 肌张力低)",
            lambda c: c.infant and (c.months is not None and c.months <= 2 or
                                    c.has("cyanosis", "lethargy", "unresponsive", "seizure")),
            flag="child.danger", dept=tx.PAED),
        Ask("child.infant_apnoea_resolved", U, "AAP BRUE (2016)", lambda c: c.infant, flag="child.danger",
            dept=tx.PAED)],
    otherwise=("general.sleep_apnoea", "NICE NG202 OSAHS (2021); AAP 儿童OSA (2012): 打鼾伴睡眠中憋气、白天嗜睡 → 门诊转诊睡眠监测",
               "general"))


# Developmental warning signs (国家基本公共卫生服务规范 第三版 0-6岁儿童健康管理: 发育预警征象; AAP/M-CHAT-R autism screening
# at 18-24 months): not speaking, not answering to the name, no eye contact, lost skills — a referral for
# developmental assessment within weeks, not an emergency; a child who does not answer only "sometimes", playing
# alone, is not an unresponsive child.
ordered_protocol(
    "development", tx.PAED, triggers="developmental_concern",
    asks=[], otherwise=("child.development_review", "国家基本公共卫生服务规范(第三版) 0-6岁儿童 发育预警征象; AAP M-CHAT-R",
                        "development"))


# A lump in the front of the neck, or one that moves when swallowing (a thyroid nodule): NICE NG12 (2015, updated 2023)
# and 甲状腺结节和分化型甲状腺癌诊治指南(第二版, 2023): an ultrasound and thyroid function in clinic within two weeks;
# with stridor, the airway is urgent (today); with a hoarse voice or trouble swallowing, a same-day look.
ordered_protocol(
    "neck_lump", tx.GP, triggers="neck_lump", paediatric=False,
    asks=[
        Ask("neck_lump.airway", E, "NICE NG12 (2023) 甲状腺肿块伴喘鸣", lambda c: c.has("stridor"), flag="resp.stridor",
            advice="dyspnoea"),
        Ask("neck_lump.pressure", U, "NICE NG12 (2023); 甲状腺结节诊治指南(2023) 肿块伴声音嘶哑/吞咽困难",
            lambda c: c.has("hoarseness", "voice_change", "dysphagia"), flag="general.lump"),
    ],
    otherwise=("neck_lump.review", "NICE NG12 (2023); 甲状腺结节和分化型甲状腺癌诊治指南(第二版, 2023) 颈部肿块2周内B超", "general"))


# Impetigo (NICE NG153 (2020)): golden crusts around the nose and mouth — hydrogen peroxide cream or a topical
# antibiotic on prescription, kept off nursery until crusted over: seen in clinic within days, not home care alone.
ordered_protocol(
    "impetigo", tx.DERM, triggers="impetigo",
    asks=[Ask("impetigo.explained_by_cradle_cap", E, "NICE CKS seborrhoeic dermatitis - infant (2023) 乳痂",
              lambda c: c.has("newborn_normal"), stop=True),
          Ask("impetigo.widespread", U, "NICE NG153 impetigo (2020) 泛发或伴发热、精神差",
              lambda c: c.fever or c.has("lethargy", "spreading") and c.severe("impetigo"), flag="skin.infection")],
    otherwise=("impetigo.review", "NICE NG153 impetigo (2020) 局限性脓疱疮需处方外用药", "skin"))


# Asthma not controlled (GINA 2023; 支气管哮喘防治指南(2020)): waking at night with cough or wheeze, or the blue
# reliever used more than twice a week — a control review in clinic within days. An attack itself is the breathing
# protocol's.
ordered_protocol(
    "asthma_control", tx.RESP,
    when=lambda c: c.has("asthma_poor_control") and (c.cond("asthma") or c.has("cond_asthma")),
    asks=[], otherwise=("asthma.poor_control", "GINA 2023; 支气管哮喘防治指南(2020) 夜间憋醒或缓解药每周>2次: 哮喘未控制",
                        "dyspnoea"))


# Home care that did not work: a treatment used and not helped, or a complaint that comes back each time the medicine
# is stopped (Schmitt-Thompson telephone triage: "home care not helping" is seen in clinic; NICE CKS dyspepsia (2023):
# symptoms that return after stopping a PPI are reviewed). It can only make self-care routine; any higher answer of
# another protocol stands.
ordered_protocol(
    "home_care_failed", tx.GP, when=lambda c: c.has("relapse_on_stopping") or
    (c.has("treatment_failed") and not c.has("poison_ingestion")),
    asks=[], otherwise=("general.home_care_failed", "Schmitt-Thompson 家庭护理无效需门诊; NICE CKS dyspepsia (2023) 停药复发",
                        "general"))


# A pesticide on the skin while spraying or mixing, not swallowed (急性有机磷农药中毒诊治临床专家共识(2016): skin
# contamination is washed off at once with soap and water and the person watched; TOXBASE dermal exposure): one
# cholinergic sign — sweating, drooling, small pupils, twitching, vomiting, diarrhoea, breathlessness, drowsiness,
# nausea or dizziness — is seen the same day (two or more: the poisoning protocol calls 120); washed off with none of
# them, home with what to watch for; not yet washed, the team is told.
_CHOLINERGIC = CHOLINERGIC_SIGNS + ("dizziness", "blurred_vision", "headache")   # early, one is enough to be seen
ordered_protocol(
    "pesticide_contact", tx.GP, paediatric=False,
    when=lambda c: c.has("pesticide_exposure") and not c.has("poison_ingestion", "ingested"),
    asks=[Ask("poison.pesticide_symptom", U, "急性有机磷农药中毒诊治临床专家共识(2016) 接触农药后出现症状",
              lambda c: c.has(*_CHOLINERGIC), flag="poison.ingestion", advice="pesticide_skin")],
    self_care=Ask("poison.pesticide_washed", S, "急性有机磷农药中毒诊治临床专家共识(2016) 皮肤污染彻底清洗后观察",
                  lambda c: c.has("decontaminated"), advice="pesticide_skin"),
    otherwise=("poison.pesticide_contact", "急性有机磷农药中毒诊治临床专家共识(2016) 皮肤污染立即清洗", "pesticide_skin"))

