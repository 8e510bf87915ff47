"""Clinical thresholds shared by the readings service, the trend scan and the scoring CLI.

Pure constants and functions. Every number cites its source; a clinician must sign them off
(see docs/clinical_rules.md). Defaults only: per-resident targets override them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

# --- units -------------------------------------------------------------------------------
# 1 mmol/L glucose = 18.0 mg/dL (ADA Standards tables; molar mass 180.16 g/mol).
MG_DL_PER_MMOL_L = 18.0


def mgdl_to_mmol(value_mg_dl: float) -> float:
    """Convert glucose mg/dL to mmol/L, one decimal (the Chinese storage norm)."""
    return round(value_mg_dl / MG_DL_PER_MMOL_L, 1)


# --- plausibility (docs/design.md "Plausibility"): reject, never store silently ------------------
SBP_RANGE = (50, 300)
DBP_RANGE = (30, 200)
PULSE_RANGE = (25, 250)
GLUCOSE_MMOL_RANGE = (1.0, 35.0)


def bp_problems(systolic: int, diastolic: int, pulse: int | None = None) -> dict[str, str]:
    """Field -> Chinese/English message for an implausible BP reading; empty when plausible."""
    problems: dict[str, str] = {}
    if not SBP_RANGE[0] <= systolic <= SBP_RANGE[1]:
        problems["systolic"] = f"收缩压应在{SBP_RANGE[0]}-{SBP_RANGE[1]}之间 / systolic out of range"
    if not DBP_RANGE[0] <= diastolic <= DBP_RANGE[1]:
        problems["diastolic"] = f"舒张压应在{DBP_RANGE[0]}-{DBP_RANGE[1]}之间 / diastolic out of range"
    if not problems and systolic <= diastolic:
        problems["diastolic"] = "舒张压应低于收缩压 / diastolic must be below systolic"
    if pulse is not None and not PULSE_RANGE[0] <= pulse <= PULSE_RANGE[1]:
        problems["pulse"] = f"心率应在{PULSE_RANGE[0]}-{PULSE_RANGE[1]}之间 / pulse out of range"
    return problems


# Meter "HI"/"LO" are flags, not numbers: scored as beyond 33.3 / below 1.1 mmol/L, the usual
# meter display range (ISO 15197 meters report HI/LO outside it).
METER_HI_MMOL = 33.4
METER_LO_MMOL = 1.0


def glucose_problems(value_mmol: float) -> dict[str, str]:
    """Field -> message for an implausible glucose value in mmol/L; empty when plausible."""
    lo, hi = GLUCOSE_MMOL_RANGE
    if not lo <= value_mmol <= hi:
        return {"value": f"血糖应在{lo}-{hi} mmol/L之间 / glucose out of range"}
    return {}


# --- personal home-BP targets ----------------------------------------------------------------
class Condition(str, Enum):
    hypertension = "hypertension"
    diabetes = "diabetes"
    ckd = "ckd"
    chd = "chd"
    stroke = "stroke"
    heart_failure = "heart_failure"
    copd = "copd"
    asthma = "asthma"
    atrial_fibrillation = "atrial_fibrillation"
    heart_disease = "heart_disease"
    pregnancy = "pregnancy"


@dataclass(frozen=True)
class BpTarget:
    systolic: int
    diastolic: int

    def __str__(self) -> str:
        return f"{self.systolic}/{self.diastolic}"


# Home targets, "below" these values (docs/clinical_rules.md §1.2):
# - default <135/85: home equivalent of office <140/90 (2019 中国家庭血压监测指南; 2018 中国高血压防治指南).
# - age >=80 without diabetes/CKD <150/90: 国家基层高血压防治管理指南 2020 (>=80 y: <150/90).
# - diabetes or CKD <130/80: 国家基层高血压防治管理指南 2020 (DM/CKD with proteinuria <130/80);
#   CDS 中国2型糖尿病防治指南 2020 (BP target in diabetes <130/80).
DEFAULT_HOME_TARGET = BpTarget(135, 85)
ELDERLY_80_HOME_TARGET = BpTarget(150, 90)
DIABETES_CKD_HOME_TARGET = BpTarget(130, 80)


def default_bp_target(age: int, conditions: set[str] | frozenset[str] | list[str]) -> BpTarget:
    """The default home BP target for a resident's age and chronic conditions."""
    conds = set(conditions)
    if "diabetes" in conds or "ckd" in conds:
        return DIABETES_CKD_HOME_TARGET
    if age >= 80:
        return ELDERLY_80_HOME_TARGET
    return DEFAULT_HOME_TARGET


def bp_above_target(systolic: float, diastolic: float, target: BpTarget) -> bool:
    """Uncontrolled when mean SBP >= target SBP or mean DBP >= target DBP (clinical_rules §1.3)."""
    return systolic >= target.systolic or diastolic >= target.diastolic


# --- acute thresholds --------------------------------------------------------------------------
# Grade 3 / danger sign: SBP >=180 and/or DBP >=110 (国家基本公共卫生服务规范 第三版 2017, HTN
# management; 高血压基层诊疗指南 2019 table 1, grade 3).
ACUTE_SBP = 180
ACUTE_DBP = 110
# Low BP with dizziness/fainting -> same-day contact; SBP <90 is a design choice (docs/clinical_rules.md §1.5; 基层
# 指南 2020 lists "意识淡漠伴血压过低" under emergency transfer).
LOW_SBP = 90
# Hypoglycaemia level 1: 3.0-<3.9; level 2: <3.0 mmol/L (中国2型糖尿病防治指南 2020).
HYPO_LEVEL1_BELOW = 3.9
HYPO_LEVEL2_BELOW = 3.0
# Hyperglycaemia >=16.7 mmol/L -> urgent, DKA/HHS suspected (国家基层糖尿病防治管理指南 2022 referral wording).
HYPER_URGENT = 16.7
# Glucose targets: fasting 4.4-7.0, non-fasting <10.0 mmol/L (中国2型糖尿病防治指南 2020).
FASTING_TARGET = (4.4, 7.0)
NON_FASTING_TARGET_BELOW = 10.0
# Someone without diabetes is judged by the diagnostic categories, not by a patient's target (中国2型糖尿病防治指南
# 2020, 糖代谢状态分类 / WHO 1999): fasting 6.1-<7.0 is impaired fasting glucose, 2-h 7.8-<11.1 impaired glucose
# tolerance — both retested or given an OGTT by the family doctor.
IFG_FASTING_FROM = 6.1
IGT_TWO_HOUR_FROM = 7.8
# Confirmation of an acute value before it pages anyone (docs/clinical_rules.md "HBPM sessions and
# confirmation"): a repeat in the same session, or within 15 min after 5 min of seated rest, that still
# meets the threshold confirms it. The 5-min rest is ESH 2021 (Stergiou et al., J Hypertens 2021;39:1293,
# "rest 5 min before measuring") and AHA/AMA 2020 SMBP (Shimbo et al., Circulation 2020;142:e42); the
# 15-min window is our design on top of them.
CONFIRM_WINDOW_MINUTES = 15
CONFIRM_REST_MINUTES = 5
# How long a dangerous value waits for its repeat before the village doctor is asked to call the
# resident (a moderate task, never a critical page). A design choice: the 5-min rest and the 15-min
# window above plus time to reach the cuff again; configurable by the caller.
CONFIRM_WAIT_MINUTES = 30
# A discordant first reading: when the first two readings of a session differ by >10 mmHg, ESH 2021
# (office and home measurement practice guideline, Stergiou et al. 2021) takes further readings and
# records the mean of the last two; 2019 中国家庭血压监测指南 (中华高血压杂志 2019;27(8):708) records the
# mean of 2-3 readings taken 1 min apart. So a first reading more than 10 mmHg (SBP or DBP) above the
# mean of the readings after it is kept on record but left out of the session value.
DISCORDANT_FIRST_MMHG = 10
# Glucose meters may read +/-0.83 mmol/L below 5.55 mmol/L and +/-15 % above it (ISO 15197:2013, 95 %
# of results); a repeat within that tolerance of a dangerous value agrees with it.
METER_TOLERANCE_MMOL = 0.83
METER_TOLERANCE_FRACTION = 0.15
METER_TOLERANCE_SWITCH_MMOL = 5.55


def bp_is_acute(systolic: float, diastolic: float) -> bool:
    """SBP >=180 or DBP >=110 (规范 2017 danger sign)."""
    return systolic >= ACUTE_SBP or diastolic >= ACUTE_DBP


def glucose_level(value_mmol: float) -> str | None:
    """'hypo2' <3.0, 'hypo1' 3.0-<3.9, 'hyper' >=16.7, else None (中国2型糖尿病防治指南 2020)."""
    if value_mmol < HYPO_LEVEL2_BELOW:
        return "hypo2"
    if value_mmol < HYPO_LEVEL1_BELOW:
        return "hypo1"
    if value_mmol >= HYPER_URGENT:
        return "hyper"
    return None


# --- HBPM aggregation (docs/clinical_rules.md §1.3) -------------------------------
# Local time for morning/evening and calendar days. China has used UTC+8 without DST since 1991,
# so the vectorised path may use the fixed offset; the object path uses the zone itself.
LOCAL_TZ_NAME = "Asia/Shanghai"
LOCAL_UTC_OFFSET_SECONDS = 8 * 3600
# Readings within 10 min of the previous one form one session; session value = mean, without a
# discordant first reading (DISCORDANT_FIRST_MMHG above; 2019 中国家庭血压监测指南: 2-3 readings 1 min
# apart, record the mean; ESH 2021: duplicate readings 1 min apart; the 10-min gap is our design choice).
SESSION_GAP_SECONDS = 10 * 60
# Morning 04:00-11:59, evening 18:00-23:59 local time (clinical_rules §1.3 step 2).
MORNING_HOURS = (4, 12)
EVENING_HOURS = (18, 24)
# 7-day window; >=3 days with data and >=6 sessions, else "insufficient" (ESH 2021 minimum 3 days;
# 2018 中国高血压防治指南 "at least 3 days"; clinical_rules §1.3 step 3).
HBPM_WINDOW_DAYS = 7
HBPM_MIN_DAYS = 3
HBPM_MIN_SESSIONS = 6
# Day 1 of a monitoring block is discarded: +2.8/+1.4 mmHg excess (clinical_rules §1.3, 2,122
# participants). A block starts after >=7 days without readings.
BLOCK_GAP_DAYS = 7
# The resident's own baseline: the 28 days before the current 7-day window.
BASELINE_DAYS = 28
# Acute values older than this are history for the trend scan, not an emergency.
ACUTE_LOOKBACK_HOURS = 72

# --- BP variability (clinical_rules §1.4): soft flags, never referral triggers --------------------
# Top-decile home BPV: CV >10.7 % SBP / >12.6 % DBP (Juhanoja et al., Hypertension 2017).
BPV_CV_SBP_PERCENT = 10.7
BPV_CV_DBP_PERCENT = 12.6
# Morning - evening SBP difference >15 mmHg: morning-surge type (Eguchi & Kario 2007; §1.4).
ME_DIF_SBP = 15.0

# --- glucose review rules (clinical_rules §2.6) ---------------------------------------------------
# >=2 level-1 episodes in 7 days -> review within 48 h (G-U1); any level 2 -> immediate contact (G-E1).
HYPO_RECURRENT_EPISODES = 2
HYPO_RECURRENT_DAYS = 7
# Low readings within this many minutes are one episode (a recheck 15 min after 15 g sugar).
HYPO_EPISODE_MERGE_MINUTES = 60
# 7-day mean fasting >=7.0 with >=3 fasting values -> review (G-T1).
FASTING_REVIEW_MIN_VALUES = 3
# LBGI 2.5-5 moderate, >5 high hypoglycaemia risk (Kovatchev et al., Diabetes Care 1998;21:1870).
LBGI_MODERATE = 2.5
LBGI_HIGH = 5.0


def lbgi_risk(value_mmol: float) -> float:
    """Kovatchev low-BG risk r_l(BG) for one value (BG in mg/dL inside the formula; Diabetes Care 1998)."""
    mg = max(value_mmol, 0.1) * MG_DL_PER_MMOL_L
    f = 1.509 * (math.log(mg) ** 1.084 - 5.381)
    return 10.0 * f * f if f < 0 else 0.0
