"""Service packages (服务包). Editing a package some contract uses creates a new version."""
from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.errors import Conflict, NotFound, RuleViolation
from app.services.actors import Actor, require_role
from app.services.pagination import Page, paginate
from models.contracts import contract_packages
from models.packages import PackageItem, ServicePackage, TargetGroup


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
                         items=[PackageItem(**item) for item in items])
    session.add(pkg)
    session.flush()
    return pkg


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
                             items=[PackageItem(code=i.code, name=i.name, yearly_quantity=i.yearly_quantity)
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
        pkg.items = [PackageItem(**item) for item in changes["items"]]
    session.flush()
    return pkg
