async def test_login_and_me(client, admin):
    resp = await client.post(
        "/api/v1/auth/login/", json={"email": "ADMIN@example.com", "password": admin.password}
    )
    assert resp.status == 200
    body = await resp.json()
    assert body["user"]["email"] == "admin@example.com"
    me = await client.get("/api/v1/auth/me/", headers={"Authorization": f"Bearer {body['access']}"})
    assert me.status == 200
    assert (await me.json())["role"] == "administrator"
