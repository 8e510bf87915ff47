"""KPIs (绩效指标) per team, township or consortium, computed in SQL."""
from flask_smorest import Blueprint

from app.api.common import rules
from app.auth import allow, current_actor
from app.extensions import db
from app.schemas.kpis import KpiArgsSchema, KpiListSchema
from app.services import kpis

blp = Blueprint("kpis", __name__, description="绩效指标 / KPIs (definitions in docs/kpis.md)")


@blp.get("")
@allow("admin", "village_doctor", "township_doctor", "county_doctor")
@blp.arguments(KpiArgsSchema, location="query")
@blp.response(200, KpiListSchema)
@blp.doc(**rules({"kpi.period": f"end not before start, at most {kpis.MAX_PERIOD_DAYS} days"}))
def get(args):
    """KPIs for a period [start, end] (local dates, end inclusive), one report per unit at the level.

    Admins read every unit of their consortium; team staff only `level=team` and their own teams.

    Units: `team` counts residents by their contract's team (alerts and referrals by their team);
    `township` and `consortium` count residents by the village they live in.
    "Contracted" = a contract in force on `end` (approved by then, term covers `end`, not terminated before).
    "Managed" = contracted residents with hypertension or diabetes.

    - **contract_coverage** = contracted residents / population of the unit's villages (村人口).
    - **priority_groups** (65+ on `end`, hypertension, diabetes): contracted / registered residents of the
      unit's villages in that group.
    - **standard_management.rate** (规范管理率) = managed residents with ≥ N face-to-face follow-ups
      (face_to_face or home) in the period / managed; N = 4 a year pro rata, round(4·days/365.25), at least 1
      (a calendar year needs 4, a quarter 1).
    - **bp_control.rate** (血压控制率) = managed hypertension patients whose latest follow-up BP in the period is
      below their target / managed hypertension patients. Target: the personal target if set, else
      <130/80 with diabetes or CKD, <150/90 at age ≥80, else <135/85 (ml.clinical.default_bp_target).
      Patients without a BP in the period count as not controlled (`no_value`).
    - **glucose_control.rate** (血糖控制率) = managed diabetes patients whose latest follow-up glucose in the
      period is < 7.0 mmol/L / managed diabetes patients (none in the period: not controlled).
    - **missed_visit.share** = managed with no follow-up (any method) in the 3 months up to `end` / managed;
      **lost_to_follow_up.share** = none in the 12 months up to `end` (a subset of missed visits).
    - **alert_time_to_acknowledge** per severity: alerts opened in the period; minutes from opening to
      acknowledgement (or to resolution if resolved without one); p50 / p90 nearest-rank;
      `unacknowledged` = still without a response.
    - **referrals**: `requested` in the period; turnaround = hours from request to completion for referrals
      completed in the period, p50 (median) / p90 nearest-rank.
    """
    reports = kpis.compute_kpis(db.session, actor=current_actor(), **args)
    return {"items": reports}
