"""Shared by the public postings and feedback tests: a household with a distinctive name, ID number,
phone and address whose case is on an open village posting of the home commune, with a neighbour."""
import time

import pytest
from django.test import Client

from tests.conftest import HOME, advance, new_case, new_household, post_list, unit

FULL_NAME = "Y Khuê Niê Kdăm"
NATIONAL_ID = "062199887766"
PHONE = "0905111222"
ADDRESS = "Tổ 3, đường Phan Đình Phùng"
ETHNICITY = "Ê Đê"
SENDER_NAME = "Nguyễn Văn Phản Ánh"
SENDER_PHONE = "0977333444"


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def listed(people, campaign):
    household = new_household(people, campaign, head_name=FULL_NAME, national_id=NATIONAL_ID, phone=PHONE,
                              address=ADDRESS, ethnicity=ETHNICITY)
    case = advance(people, new_case(people, campaign, household=household), "village_posting")
    other = advance(people, new_case(people, campaign), "village_posting")
    posting = post_list(people, [case, other])
    return {"case": case, "other": other, "posting": posting}


def form_data(**overrides) -> dict:
    from housing_campaign.public.feedback import form_token

    age = overrides.pop("age", 10)
    data = {"t": form_token(unit(HOME).pk, at=time.time() - age), "kind": "wrong_person", "website": "",
            "text": "Hộ này đã có nhà xây kiên cố ở thôn bên, không đúng đối tượng.", "about": ""}
    data.update(overrides)
    return data


def send(client: Client | None = None, code: str = HOME, query: str = "", **overrides):
    client = client or Client()
    return client.post(f"/cong-khai/{code}/phan-anh/{query}", form_data(**overrides))
