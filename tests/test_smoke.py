from .helpers import page_text


def test_landing_page_explains_the_service(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Find and buy the support in your plan" in page_text(response)


def test_holder_can_sign_in_and_sees_their_home(browser, make):
    council = make.council("aldermoor")
    person = make.user(email="sam@example.com", name="Sam Holder")
    make.holder(council, user=person)
    browser.sign_in("sam@example.com")
    text = page_text(browser.get("/"))
    assert "Hello, Sam Holder" in text
    assert "Your support" in text
    assert "Aldermoor Council" in text
