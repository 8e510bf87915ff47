"""Plain-Chinese reasons for doctors: every sentence a trend flag may carry lives here.

Each function reads one resident's row of `ml.features.Features` (index `i`) and returns short
phrases such as "近7天晨间均值152/95，较本人基线升高14/6，7天中6天未达标（目标<135/85）".
"""
from __future__ import annotations

import math
from datetime import datetime

from ml.clinical import (
    ACUTE_DBP,
    ACUTE_SBP,
    BPV_CV_SBP_PERCENT,
    FASTING_TARGET,
    HYPER_URGENT,
    HYPO_LEVEL2_BELOW,
    LBGI_HIGH,
    LBGI_MODERATE,
    ME_DIF_SBP,
)
from ml.features import Features
from ml.hbpm import LOCAL_TZ


# clinical_rules / 规范: two consecutive uncontrolled 7-day windows -> refer up to the county specialist.
REFERRAL_NOTE = "连续两个7天窗口均未达标，按规范考虑上转县级专科"


def _v(f: Features, name: str, i: int) -> float:
    return float(f.values[name][i])


def _ok(x: float) -> bool:
    return not math.isnan(x)


def _bp(s: float, d: float) -> str:
    return f"{round(s)}/{round(d)}"


def _when(epoch: float) -> str:
    t = datetime.fromtimestamp(epoch, LOCAL_TZ)
    return f"{t.month}月{t.day}日{t.hour:02d}:{t.minute:02d}"


def bp_acute(f: Features, i: int) -> str:
    """A confirmed acute BP value in the last 72 h."""
    s, d, t = _v(f, "bp_acute_sbp", i), _v(f, "bp_acute_dbp", i), _v(f, "bp_acute_t", i)
    return f"72小时内血压{_bp(s, d)}（{_when(t)}，≥{ACUTE_SBP}/{ACUTE_DBP}），复测仍≥{ACUTE_SBP}/{ACUTE_DBP}，已确认"


def bp_unconfirmed(f: Features, i: int) -> str:
    """A dangerous BP value in the last 72 h that no repeat confirmed: ask for a re-measurement."""
    s, d, t = _v(f, "bp_unconfirmed_sbp", i), _v(f, "bp_unconfirmed_dbp", i), _v(f, "bp_unconfirmed_t", i)
    return (f"72小时内有一次血压{_bp(s, d)}（{_when(t)}）未经复测确认，未计入趋势；"
            "请联系居民静坐5分钟后复测，并询问有无头痛、胸痛等症状")


def glucose_unconfirmed(f: Features, i: int) -> str:
    """A dangerous glucose value in the last 72 h that no repeat confirmed."""
    g, t = _v(f, "glu_unconfirmed_mmol", i), _v(f, "glu_unconfirmed_t", i)
    return (f"72小时内有一次血糖{g:.1f} mmol/L（{_when(t)}）未经复测确认，未计入趋势；"
            "请联系居民洗手后复测，并询问有无不适")


def bp_trend(f: Features, i: int, *, flagged: bool, persistent: bool) -> list[str]:
    """The 7-day level against target and baseline, persistence and data sufficiency."""
    ts, td = _v(f, "target_sys", i), _v(f, "target_dia", i)
    target = f"{round(ts)}/{round(td)}"
    out: list[str] = []
    n7 = _v(f, "bp_n_sessions_7", i)
    if n7 == 0:
        if _ok(_v(f, "bp_base_sbp", i)):
            out.append(f"近7天无血压测量；此前28天均值{_bp(_v(f, 'bp_base_sbp', i), _v(f, 'bp_base_dbp', i))}"
                       f"（目标<{target}）")
        else:
            out.append("近35天无血压记录，请督促家庭血压监测")
        return out
    parts: list[str] = []
    ms, md = _v(f, "bp_morning_sbp_7", i), _v(f, "bp_morning_dbp_7", i)
    es, ed = _v(f, "bp_evening_sbp_7", i), _v(f, "bp_evening_dbp_7", i)
    if _ok(ms) and _ok(es):
        parts.append(f"近7天晨间均值{_bp(ms, md)}、晚间均值{_bp(es, ed)}")
    elif _ok(ms):
        parts.append(f"近7天晨间均值{_bp(ms, md)}")
    elif _ok(es):
        parts.append(f"近7天晚间均值{_bp(es, ed)}")
    else:
        parts.append(f"近7天均值{_bp(_v(f, 'bp_mean_sbp_7', i), _v(f, 'bp_mean_dbp_7', i))}")
    ds, dd = _v(f, "bp_delta_sbp", i), _v(f, "bp_delta_dbp", i)
    if _ok(ds) and (abs(ds) >= 5 or abs(dd) >= 3):
        word = "升高" if ds + dd > 0 else "下降"
        parts.append(f"较本人基线{word}{abs(round(ds))}/{abs(round(dd))}")
    days, above = int(_v(f, "bp_days_7", i)), int(_v(f, "bp_days_above_7", i))
    lead = "7天中" if days == 7 else f"{days}个测量日中"
    # "未达标": a day whose mean is at or above the target (the target is "<130/80": 80.0 is not below it)
    parts.append(f"{lead}{above}天未达标（目标<{target}）")
    out.append("，".join(parts))
    if flagged and above == 0:  # the flag rests on the weeks before (evidence over 35 days, the model)
        out.append("近7天没有未达标的测量日，提示依据为此前几周偏高的读数；请确认近期是否调整过用药")
    if f.values["bp_sufficient_7"][i] <= 0:
        out.append(f"近7天数据不足（{days}天/{int(n7)}次，规范要求≥3天且≥6次早晚测量），结合近期读数估计")
    if persistent and flagged:
        out.append(REFERRAL_NOTE)
    slope = _v(f, "bp_sbp_slope_7", i)
    if flagged and _ok(slope) and slope >= 1.5 and days >= 4:
        out.append(f"收缩压近7天呈上升趋势（约+{slope:.1f} mmHg/天）")
    return out


def bp_soft(f: Features, i: int) -> list[str]:
    """Soft notes: variability, morning surge, low values, ignored implausible readings."""
    out: list[str] = []
    cv, arv = _v(f, "bp_sbp_cv_7", i), _v(f, "bp_sbp_arv_7", i)
    if _ok(cv) and cv > BPV_CV_SBP_PERCENT and _v(f, "bp_n_sessions_7", i) >= 6:
        out.append(f"收缩压变异较大（CV {cv:.1f}%，ARV {arv:.0f}），请核查服药依从性与测量方法")
    ms, es = _v(f, "bp_morning_sbp_7", i), _v(f, "bp_evening_sbp_7", i)
    if (_ok(ms) and _ok(es) and ms - es > ME_DIF_SBP
            and _v(f, "bp_morning_n_7", i) >= 3 and _v(f, "bp_evening_n_7", i) >= 3):
        out.append(f"晨间收缩压比晚间高{round(ms - es)} mmHg（晨峰型）")
    low = int(_v(f, "bp_low_72h", i))
    if low:
        out.append(f"72小时内收缩压<90共{low}次，请询问有无头晕、晕厥")
    bad = int(_v(f, "bp_n_implausible_35", i))
    if bad:
        out.append(f"已忽略{bad}条不合理血压读数（如1500/90、收缩压≤舒张压）")
    return out


def glucose_acute(f: Features, i: int) -> list[str]:
    """Level-2 hypoglycaemia or >=16.7 mmol/L in the last 72 h."""
    out: list[str] = []
    lo, hi = _v(f, "glu_min_72h", i), _v(f, "glu_max_72h", i)
    if _ok(lo) and lo < HYPO_LEVEL2_BELOW:
        out.append(f"72小时内血糖{lo:.1f} mmol/L（2级低血糖<3.0），请立即联系：进食15 g糖，15分钟后复测")
    if _ok(hi) and hi >= HYPER_URGENT:
        n = int(_v(f, "glu_hyper_n_72h", i))
        more = f"共{n}次，" if n > 1 else ""
        out.append(f"72小时内血糖{hi:.1f} mmol/L（≥16.7，{more}请当天联系，询问呕吐、腹痛、嗜睡并查酮体）")
    return out


def glucose_hypo(f: Features, i: int) -> str | None:
    """Hypoglycaemia episodes of the last 7 days."""
    h1, h2 = int(_v(f, "glu_hypo1_episodes_7", i)), int(_v(f, "glu_hypo2_episodes_7", i))
    if h1 + h2 == 0:
        return None
    low = _v(f, "glu_min_7", i)
    detail = "、".join(x for x in (f"1级{h1}次" if h1 else "", f"2级{h2}次" if h2 else "") if x)
    if h1 + h2 >= 2 or h2:
        return f"近7天低血糖{h1 + h2}次（{detail}，最低{low:.1f} mmol/L），请48小时内复核降糖方案"
    return f"近7天1级低血糖1次（{low:.1f} mmol/L），继续观察"


def glucose_trend(f: Features, i: int, *, flagged: bool) -> list[str]:
    """The 7-day fasting level against 4.4-7.0 and the resident's baseline."""
    out: list[str] = []
    n7 = int(_v(f, "glu_fasting_n_7", i))
    lo, hi = FASTING_TARGET
    if n7:
        s = f"近7天空腹血糖均值{_v(f, 'glu_fasting_mean_7', i):.1f} mmol/L（{n7}次），目标{lo}–{hi}"
        delta = _v(f, "glu_delta_fasting", i)
        if _ok(delta) and abs(delta) >= 0.8:
            s += f"，较本人基线{'升高' if delta > 0 else '下降'}{abs(delta):.1f}"
        nn = int(_v(f, "glu_nonfasting_n_7", i))
        if nn:
            s += f"；非空腹均值{_v(f, 'glu_nonfasting_mean_7', i):.1f} mmol/L（{nn}次，目标<10.0）"
        out.append(s)
        if n7 < 3 and flagged:
            out.append("空腹值不足3次，结合其他血糖值估计")
    elif _v(f, "glu_n_7", i):
        nf = _v(f, "glu_nonfasting_mean_7", i)
        out.append(f"近7天无空腹血糖，非空腹均值{nf:.1f} mmol/L（目标<10.0）")
    elif _v(f, "glu_n_35", i):
        out.append("近7天无血糖测量")
    else:
        out.append("近35天无血糖记录，请督促自我血糖监测")
    return out


def glucose_soft(f: Features, i: int) -> list[str]:
    """LBGI risk and ignored implausible values."""
    out: list[str] = []
    lbgi = _v(f, "glu_lbgi_35", i)
    if _ok(lbgi) and lbgi >= LBGI_MODERATE and _v(f, "glu_n_35", i) >= 5:
        level = "高" if lbgi > LBGI_HIGH else "中等"
        out.append(f"低血糖风险指数LBGI {lbgi:.1f}（{level}）")
    bad = int(_v(f, "glu_n_implausible_35", i))
    if bad:
        out.append(f"已忽略{bad}条不合理血糖值（可能误录为mg/dL）")
    return out
