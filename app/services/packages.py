"""Service packages (服务包). Editing a package some contract uses creates a new version."""
from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.errors import Conflict, NotFound, RuleViolation
from app.services.actors import Actor, require_role
from app.services.pagination import Page, paginate
from models.contracts import contract_packages
from models.packages import PackageItem, ServicePackage, TargetGroup

# The services the 履约 ledger can count (app/services/fulfilment.py lists what evidence each one is).
SERVICE_KINDS = ("followup", "remote_followup", "health_check", "referral", "reading_review", "education",
                 "medication_review", "glucose_test")
# The period an item's yearly quantity is spread over, and how many such periods a contract year has.
PERIODS = {"year": 1, "quarter": 4, "month": 12}
# Defaults by item code, for items published without a frequency (and, copied, for migration 0012):
# code -> (service kind, period, yearly quantity or None to keep the one given). Sources in docs/kpis.md:
# 国家基本公共卫生服务规范（第三版）2017: ≥4 face-to-face follow-ups a year (quarterly) and 1 health
# examination a year for hypertension and type 2 diabetes patients, a fasting glucose test at each diabetes
# follow-up, 生活自理能力评估 within the older people's yearly check; 《关于推进家庭医生签约服务高质量发展的指导意见》
# 2022 and the vendor contract models: 健康评估/免费体检 1次/年; home BP monitoring reviewed monthly.
DEFAULT_FREQUENCIES: dict[str, tuple[str, str, int | None]] = {
    "followup": ("followup", "quarter", None),
    "annual_check": ("health_check", "year", None),
    "health_check": ("health_check", "year", None),
    "health_record": ("health_check", "year", None),
    "self_care_assessment": ("health_check", "year", None),
    "health_education": ("education", "year", None),
    "home_bp_guidance": ("reading_review", "month", 12),
    "bp_monitoring_review": ("reading_review", "month", 12),
    "glucose_test": ("glucose_test", "quarter", None),
    "medication_review": ("medication_review", "year", None),
    "referral": ("referral", "year", None),
}


def get_package(session: Session, actor: Actor, package_id: int) -> ServicePackage:
    """A package version of the actor's consortium."""
    pkg = session.get(ServicePackage, package_id)
    if pkg is None or pkg.consortium_id != actor.consortium_id:
        raise NotFound("package.not_found", "没有这个服务包 / package not found")
    return pkg


def list_packages(session: Session, actor: Actor, *, include_inactive: bool = False, all_versions: bool = False,
                  target_group: str | None = None, page: int = 1, per_page: int = 50) -> Page:
    """Packages on offer (the current version of each code)."""
    stmt = select(ServicePackage).where(ServicePackage.consortium_id == actor.consortium_id)
    if not all_versions:
        stmt = stmt.where(ServicePackage.is_current.is_(True))
    if not include_inactive:
        stmt = stmt.where(ServicePackage.active.is_(True))
    if target_group:
        stmt = stmt.where(ServicePackage.target_group == TargetGroup(target_group))
    return paginate(session, stmt.order_by(ServicePackage.code, ServicePackage.version), page=page, per_page=per_page)


def _check_money(price_fen: int, subsidy_fen: int) -> None:
    if price_fen < 0 or subsidy_fen < 0 or subsidy_fen > price_fen:
        raise RuleViolation("package.money", "补贴不能超过价格，金额不能为负 / 0 <= subsidy <= price",
                            errors={"subsidy_fen": ["补贴应在0和价格之间"]})


def create_package(session: Session, *, actor: Actor, code: str, name: str, target_group: str, price_fen: int,
                   subsidy_fen: int, items: list[dict]) -> ServicePackage:
    """Publish a new package (version 1)."""
    require_role(actor, "admin")
    _check_money(price_fen, subsidy_fen)
    if session.scalar(select(ServicePackage.id).where(
            ServicePackage.consortium_id == actor.consortium_id, ServicePackage.code == code)):
        raise Conflict("package.code_taken", "服务包编码已存在 / package code already exists")
    pkg = ServicePackage(consortium_id=actor.consortium_id, code=code, version=1, name=name,
                         target_group=TargetGroup(target_group), price_fen=price_fen, subsidy_fen=subsidy_fen,
                         active=True, is_current=True,
                         items=_items(items))
    session.add(pkg)
    session.flush()
    return pkg


def _item(item: dict, index: int) -> PackageItem:
    """A package item with its frequency: as given, else the default for its code (DEFAULT_FREQUENCIES)."""
    given, item = item, dict(item)
    default = DEFAULT_FREQUENCIES.get(item["code"])
    if "service_kind" not in item:
        item["service_kind"] = default[0] if default else None
        if default and "period" not in item:
            item["period"] = default[1]
            if default[2] is not None and "yearly_quantity" not in item:
                item["yearly_quantity"] = default[2]
    item.setdefault("period", "year")
    item.setdefault("yearly_quantity", 1)
    if default and not {"service_kind", "period"} & given.keys() and item["yearly_quantity"] % PERIODS[item["period"]]:
        item["period"] = "year"  # a default period the quantity does not divide: over the year (as migration 0012)
    kind, period, quantity = item["service_kind"], item["period"], item["yearly_quantity"]
    errors = []
    if kind is not None and kind not in SERVICE_KINDS:
        errors.append(f"service_kind 应为 {'/'.join(SERVICE_KINDS)}")
    if period not in PERIODS:
        errors.append(f"period 应为 {'/'.join(PERIODS)}")
    elif quantity % PERIODS[period]:
        errors.append(f"每年{quantity}次不能平均分到{PERIODS[period]}个周期 / quantity not divisible by periods")
    if errors:
        raise RuleViolation("package.item_frequency", "服务项目频次有误 / invalid item frequency",
                            errors={f"items.{index}": errors})
    return PackageItem(**item)


def _items(items: list[dict]) -> list[PackageItem]:
    return [_item(item, i) for i, item in enumerate(items)]


def _in_use(session: Session, package_id: int) -> bool:
    return bool(session.scalar(select(exists().where(contract_packages.c.package_id == package_id))))


def update_package(session: Session, *, actor: Actor, package_id: int, **changes) -> ServicePackage:
    """Edit a package: in place while unused, otherwise as a new version (contracts keep theirs)."""
    require_role(actor, "admin")
    pkg = get_package(session, actor, package_id)
    if not pkg.is_current:
        raise Conflict("package.not_current", "只能修改最新版本 / only the current version can be edited")
    price = changes.get("price_fen", pkg.price_fen)
    subsidy = changes.get("subsidy_fen", pkg.subsidy_fen)
    _check_money(price, subsidy)
    content_change = any(k in changes for k in ("name", "target_group", "price_fen", "subsidy_fen", "items"))
    if content_change and _in_use(session, pkg.id):
        new = ServicePackage(consortium_id=pkg.consortium_id, code=pkg.code, version=pkg.version + 1,
                             name=pkg.name, target_group=pkg.target_group, price_fen=pkg.price_fen,
                             subsidy_fen=pkg.subsidy_fen, active=pkg.active, is_current=True,
                             items=[PackageItem(code=i.code, name=i.name, yearly_quantity=i.yearly_quantity,
                                                service_kind=i.service_kind, period=i.period)
                                    for i in pkg.items])
        pkg.is_current = False
        session.add(new)
        pkg = new
    for field in ("name", "price_fen", "subsidy_fen", "active"):
        if field in changes:
            setattr(pkg, field, changes[field])
    if "target_group" in changes:
        pkg.target_group = TargetGroup(changes["target_group"])
    if "items" in changes:
        pkg.items = _items(changes["items"])
    session.flush()
    return pkg
