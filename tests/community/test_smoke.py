from __future__ import annotations

from portal.community import permissions


def test_owner_is_verified_member_of_own_estate_only(owner, estate_a, estate_b):
    assert permissions.is_verified_owner(owner, estate_a)
    assert not permissions.is_member(owner, estate_b)


def test_estate_home_page_is_served_in_chinese(client, estate_a):
    response = client.get("/jinxiu/")
    assert response.status_code == 200
    assert "锦绣花园" in response.content.decode()
    assert "公告" in response.content.decode()
