import random
from datetime import date

import pytest

from app.errors import RuleViolation
from app.services import privacy
from app.services.demo import make_id_card


@pytest.fixture(autouse=True)
def keep_keys():
    saved = privacy._cipher, privacy._index_key
    yield
    privacy._cipher, privacy._index_key = saved

# A published example of a valid GB 11643 number (check character X).
VALID_X = "11010519491231002X"


def test_valid_id_card_gives_birth_date_and_sex():
    info = privacy.parse_id_card(VALID_X)
    assert info.birth_date == date(1949, 12, 31)
    assert info.sex == "F"  # 17th digit 2 is even


def test_lowercase_x_is_accepted():
    assert privacy.parse_id_card(VALID_X.lower()).number == VALID_X


@pytest.mark.parametrize("number, code", [
    ("110105194912310021", "id_card.check_digit"),
    ("11010519491231002", "id_card.format"),
    ("1101051949123100211", "id_card.format"),
    ("11010519491331002X", "id_card.birth_date"),
    ("abcdefghijklmnopqr", "id_card.format"),
])
def test_invalid_id_cards_are_refused(number, code):
    with pytest.raises(RuleViolation) as err:
        privacy.parse_id_card(number)
    assert err.value.code == code


def test_generated_demo_numbers_validate():
    rng = random.Random(1)
    for male in (True, False):
        number = make_id_card(rng, "330102", date(1960, 2, 29), male)
        info = privacy.parse_id_card(number)
        assert info.sex == ("M" if male else "F")


def test_masking():
    assert privacy.mask_id_card("330102199001011234") == "330102********1234"
    assert privacy.mask_phone("13812345678") == "138****5678"


@pytest.mark.parametrize("raw, expected", [("138 1234 5678", "13812345678"), ("+8613812345678", "13812345678")])
def test_phone_normalised(raw, expected):
    assert privacy.normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "phone"])
def test_bad_phone_refused(raw):
    with pytest.raises(RuleViolation):
        privacy.normalise_phone(raw)


def test_encryption_round_trip_and_rotation():
    from cryptography.fernet import Fernet

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    privacy.configure(old, "index-key")
    token = privacy.encrypt("13812345678")
    assert "13812345678" not in token
    privacy.configure(f"{new},{old}", "index-key")  # new key first, old still decrypts
    assert privacy.decrypt(token) == "13812345678"
    rotated = privacy.rotate(token)
    privacy.configure(new, "index-key")
    assert privacy.decrypt(rotated) == "13812345678"


def test_blind_index_is_keyed_and_deterministic():
    privacy.configure("x" * 43 + "=", "k1")
    a = privacy.blind_index("13812345678", "phone")
    assert a == privacy.blind_index("13812345678", "phone")
    assert a != privacy.blind_index("13812345678", "id_card")
    privacy.configure("x" * 43 + "=", "k2")
    assert a != privacy.blind_index("13812345678", "phone")
