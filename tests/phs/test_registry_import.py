"""Registry import: match by ID card, create unsigned residents, record 档案编号, report conflicts, re-run safely."""
import io
from datetime import date

from sqlalchemy import func, select

from app.services import privacy
from app.services.actors import system_actor
from app.services.phs import registry
from models.contracts import Contract
from models.residents import Resident
from tests.factories import id_card_for

HEADER = "档案编号,身份证号,姓名,联系电话,疾病,诊断日期,管理机构,村\n"


def run(session, world, text):
    report = registry.import_registry(session, actor=system_actor(world.consortium_id),
                                      rows=registry.read_rows(io.StringIO(text)))
    session.commit()
    return report


def res_a1_card(session, world):
    return privacy.decrypt(session.get(Resident, world.ids["res_a1"]).id_card_enc)


def test_import_matches_creates_and_reports_conflicts_and_is_idempotent(session, world):
    card_a1 = res_a1_card(session, world)
    new_card = id_card_for(date(1955, 5, 5), True, seed=901)
    other_card = id_card_for(date(1960, 1, 1), False, seed=902)
    renamed_card = id_card_for(date(1961, 2, 2), False, seed=903)
    phone_a1 = privacy.decrypt(session.get(Resident, world.ids["res_a1"]).phone_enc)
    text = HEADER + "\n".join([
        f"33010200001,{card_a1},res_a1,,高血压,2020-01-01,东村卫生室,东村",
        f"33010200002,{new_card},新居民,13900000001,高血压;2型糖尿病,2021-03-04,东村卫生室,东村",
        f"33010200003,{other_card},另一人,{phone_a1},糖尿病,2022-01-01,东村卫生室,东村",
        f"33010200004,{card_a1},别的名字,,高血压,2020-01-01,东村卫生室,东村",
        f"33010200005,{renamed_card},不存在村,,高血压,2020-01-01,某卫生室,某村",
        "33010200006,123,坏号码,,高血压,2020-01-01,东村卫生室,东村",
    ]) + "\n"
    before_contracts = session.scalar(select(func.count()).select_from(Contract))
    first = run(session, world, text)
    assert (first.rows, first.created, first.matched, first.record_no_set) == (6, 2, 1, 1)
    kinds = sorted(c.kind for c in first.conflicts)
    assert kinds == ["duplicate", "invalid", "phone", "village"]
    assert all(card_a1 not in c.detail and phone_a1 not in c.detail for c in first.conflicts)
    created = session.scalar(select(Resident).where(Resident.phs_record_no == "33010200002"))
    assert created.village_id == world.ids["village_a"] and sorted(created.condition_codes) == ["diabetes",
                                                                                                  "hypertension"]
    assert session.get(Resident, world.ids["res_a1"]).phs_record_no == "33010200001"
    phone_clash = session.scalar(select(Resident).where(Resident.phs_record_no == "33010200003"))
    assert phone_clash.phone_bidx is None  # the phone stays with the resident who had it
    assert session.scalar(select(func.count()).select_from(Contract)) == before_contracts  # unsigned

    again = run(session, world, text)
    assert (again.created, again.record_no_set, again.conditions_added) == (0, 0, 0)
    assert again.matched == 3 and again.unchanged == 3


def test_same_id_card_with_another_name_is_reported_not_overwritten(session, world):
    card_a1 = res_a1_card(session, world)
    report = run(session, world, HEADER + f"X1,{card_a1},张冒名,,高血压,,东村卫生室,东村\n")
    assert [c.kind for c in report.conflicts] == ["name"]
    resident = session.get(Resident, world.ids["res_a1"])
    assert resident.name == "res_a1" and resident.phs_record_no is None


def test_cli_import_prints_counts(app, session, world, tmp_path):
    path = tmp_path / "registry.csv"
    path.write_text(HEADER + f"C1,{id_card_for(date(1950, 1, 1), True, seed=904)},王五,,高血压,,东村卫生室,东村\n",
                    encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["phs", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 rows: 1 created" in result.output


def test_conflicts_across_chunks_are_found_and_a_rerun_changes_nothing(session, world):
    """The import looks residents up chunk by chunk: a phone or 档案编号 taken in an earlier chunk, an ID card
    repeated two chunks later, an existing resident's phone and the existing resident are all still found."""
    cards = [id_card_for(date(1950, 1, 1 + i), i % 2 == 0, seed=950 + i) for i in range(7)]
    card_a1 = res_a1_card(session, world)
    lines = [
        f"K1,{cards[0]},甲,13900000111,高血压,,东村卫生室,东村",
        f"K2,{cards[1]},乙,,2型糖尿病,,东村卫生室,东村",
        f"K3,{cards[2]},丙,13900000111,高血压,,东村卫生室,东村",   # phone of line 2, another chunk
        f"K1,{cards[3]},丁,,高血压,,东村卫生室,东村",              # 档案编号 of line 2
        f"K5,{cards[4]},戊,,高血压,,东村卫生室,东村",
        f"K6,{cards[0]},甲,,高血压,,东村卫生室,东村",              # the ID card of line 2 again
        f"K7,{card_a1},res_a1,,高血压;2型糖尿病,,东村卫生室,东村",  # an existing resident, matched
        f"K8,{cards[5]},己,13800000002,高血压,,东村卫生室,东村",   # res_c1's phone (res_c1 not in the file)
    ]
    text = HEADER + "\n".join(lines) + "\n"
    report = registry.import_registry(session, actor=system_actor(world.consortium_id),
                                      rows=registry.read_rows(io.StringIO(text)), batch=2)
    session.commit()
    conflicts = [(4, "phone"), (5, "record_no"), (7, "duplicate"), (9, "phone")]
    assert [(c.line, c.kind) for c in report.conflicts] == conflicts
    assert (report.created, report.matched, report.record_no_set) == (5, 1, 1)
    assert sorted(session.get(Resident, world.ids["res_a1"]).condition_codes) == ["diabetes", "hypertension"]
    third = session.scalar(select(Resident).where(Resident.phs_record_no == "K3"))
    assert third.phone_bidx is None
    again = registry.import_registry(session, actor=system_actor(world.consortium_id),
                                     rows=registry.read_rows(io.StringIO(text)), batch=3)
    assert (again.created, again.record_no_set, again.conditions_added, again.matched) == (0, 0, 0, 6)
    assert [(c.line, c.kind) for c in again.conflicts] == conflicts
