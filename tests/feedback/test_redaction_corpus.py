"""A corpus of personal details in many formats (all removed) and of ordinary comments with
numbers in them (all left alone), for the one redaction module."""

from __future__ import annotations

import pytest

from app.feedback.redaction import redact, scrub

#: (kind, detail): each is put into a sentence and must not survive redaction.
DETAILS = [
    # UK phone numbers
    ("phone", "07700 900123"),
    ("phone", "07700900123"),
    ("phone", "07700.900.654"),
    ("phone", "07700-900-654"),
    ("phone", "0770 090 0654"),
    ("phone", "+44 7700 900456"),
    ("phone", "+447700900456"),
    ("phone", "+44 (0)7700 900456"),
    ("phone", "0044 7700 900456"),
    ("phone", "(0113) 496 0100"),
    ("phone", "0113 496 0100"),
    ("phone", "0113-496-0100"),
    ("phone", "020 7946 0958"),
    ("phone", "(020) 7946 0958"),
    ("phone", "01632 960001"),
    ("phone", "01632960001"),
    ("phone", "0161 496 0000"),
    ("phone", "+44 161 496 0000"),
    ("phone", "0808 157 0192"),
    ("phone", "0300 123 4567"),
    # Polish phone numbers
    ("phone", "+48 601 234 567"),
    ("phone", "+48601234567"),
    ("phone", "0048 601 234 567"),
    ("phone", "601 234 567"),
    ("phone", "601-234-567"),
    ("phone", "+48 22 123 45 67"),
    ("phone", "+48 (22) 123 45 67"),
    # Romanian phone numbers
    ("phone", "0040 721 234 567"),
    ("phone", "+40 721 234 567"),
    ("phone", "+40721234567"),
    ("phone", "0721 234 567"),
    ("phone", "0721.234.567"),
    ("phone", "+40 21 312 3456"),
    ("phone", "021 312 3456"),
    # Other international numbers
    ("phone", "+353 87 123 4567"),
    ("phone", "+92 300 1234567"),
    ("phone", "+91 98765 43210"),
    ("phone", "0092 300 1234567"),
    # Email addresses
    ("email", "jo.bloggs@example.com"),
    ("email", "jo.bloggs+send@example.co.uk"),
    ("email", "ANNA_K@EXAMPLE.ORG"),
    ("email", "o'neill.family@mail.example.net"),
    ("email", "tomasz.nowak@poczta.example.pl"),
    ("email", "ioana.popescu@exemplu.example.ro"),
    ("email", "a.b-c@sub.domain.example.gov.uk"),
    ("email", "parent123@example.com"),
    ("email", "x@y.example"),
    ("email", "m.khan1990@example.co.uk"),
    # NHS numbers
    ("nhs", "943 476 5919"),
    ("nhs", "943-476-5919"),
    ("nhs", "9434765919"),
    ("nhs", "401 023 2137"),
    ("nhs", "485 777 3456"),
    ("nhs", "NHS number 4010232137"),
    ("nhs", "NHS no. 401 023 2137"),
    ("nhs", "NHS: 485-777-3456"),
    ("nhs", "nhs number is 943 476 5919"),
    ("nhs", "NHS#9434765919"),
    # National Insurance numbers
    ("ni", "AB 12 34 56 C"),
    ("ni", "AB123456C"),
    ("ni", "jg103721b"),
    ("ni", "JG 10 37 21 B"),
    ("ni", "ce 22 33 44 a"),
    # Dates of birth
    ("birth", "DOB 03/04/2015"),
    ("birth", "D.O.B. 3.4.15"),
    ("birth", "dob: 2015-04-03"),
    ("birth", "date of birth 3 April 2015"),
    ("birth", "date of birth: 03-04-2015"),
    ("birth", "born on 3rd March 2015"),
    ("birth", "born on the 3rd of March 2015"),
    ("birth", "born 12/11/2012"),
    ("birth", "born in March 2015"),
    ("birth", "born on March 3, 2015"),
    ("birth", "birthday is 14 Feb 2016"),
    ("birth", "Date of Birth 14.02.2016"),
    ("birth", "birth date 1 Sept 2010"),
    ("birth", "DOB 1st January 2019"),
    ("birth", "born on 29/02/2016"),
    # Street addresses
    ("address", "12 Acacia Avenue"),
    ("address", "12a Acacia Avenue"),
    ("address", "Flat 3, 45 High Street"),
    ("address", "Flat 3 45 High Street"),
    ("address", "7 Mill Lane"),
    ("address", "221 Baker Street"),
    ("address", "14 Rose Hill Close"),
    ("address", "3 Kelder Road"),
    ("address", "88 Station Rd"),
    ("address", "2 The Green"),
    ("address", "19 Orchard Way"),
    ("address", "Apartment 12, 5 Riverside Court"),
    ("address", "6 Willow Crescent"),
    ("address", "101 Church St"),
    ("address", "41 Park View"),
    ("address", "address is 4 the green, near the shops"),
    # Postcodes
    ("postcode", "LS6 2AB"),
    ("postcode", "kb1 4xy"),
    ("postcode", "SW1A 1AA"),
    ("postcode", "M1 1AE"),
    ("postcode", "B33 8TH"),
    ("postcode", "CR2 6XH"),
    ("postcode", "DN55 1PT"),
    ("postcode", "EC1A1BB"),
    # Plan references
    ("reference", "KB-2026-00123"),
    ("reference", "KB/2025/4471"),
    ("reference", "EHCP ref 55123/B"),
    ("reference", "case number KBC-1234-998"),
    ("reference", "plan reference: KB7781X"),
    # Names (quoting only)
    ("name", "my son is called Ayaan"),
    ("name", "my daughter Oksana"),
    ("name", "Mrs Patel"),
    ("name", "our caseworker Gemma"),
    ("name", "Sarah Jones"),
    ("name", "my 9 year old son Kacper"),
    ("name", "Dr Okafor"),
    ("name", "his name is Kofi"),
]

SENTENCES = [
    "Please call me on {} if you need more information.",
    "You can reach us at {}.",
    "Our details: {} (thank you)",
    "{} - that is the one to use",
    "I wrote it down as {}, I hope that helps",
]

#: Ordinary comments with numbers, dates of meetings and the like: left exactly as they are.
ORDINARY = [
    "The plan took 20 weeks from start to finish.",
    "It took 26 weeks instead of 20 weeks.",
    "He is in Year 11 now and doing well.",
    "She moved from Year 6 to Year 7 in September.",
    "We had to chase them 3 times before anyone replied.",
    "I rang 4 or 5 times and nobody answered.",
    "The meeting on 12/03/2026 was really helpful.",
    "We met on 3 March 2026 at 10am.",
    "The annual review is on 14.05.2026.",
    "The draft came on 2026-02-11 and the final plan on 2026-03-30.",
    "We waited 6 months for the assessment.",
    "My son has 15 hours of support a week.",
    "There were 2 professionals at the meeting, not 3.",
    "The school gave him 1:1 support for 25 hours.",
    "We got 15 days to comment on the draft.",
    "The transport takes 45 minutes each way.",
    "It is 12 miles to the special school.",
    "Out of 10 I would give it a 7.",
    "Satisfied 4 out of 5.",
    "We have been waiting since January 2025.",
    "The tribunal was in 2024 and we won.",
    "He has been out of school for 8 weeks.",
    "Only 2 of the 6 outcomes were clear.",
    "The EHC plan is 34 pages long.",
    "The plan has 12 outcomes and most are vague.",
    "We had 3 different caseworkers in 12 months.",
    "Our review was moved 2 times.",
    "The bus leaves at 8:15 and gets there at 9.",
    "She gets speech therapy every 2 weeks.",
    "The waiting list for CAMHS is 18 months.",
    "Section F lists 10 hours of teaching assistant time.",
    "The council said it would take 6 weeks to decide.",
    "We applied in 2023 and the plan was issued in 2024.",
    "The form asked for 3 pieces of evidence.",
    "There were 100 pages of reports to read.",
    "I have 2 children with SEND, aged 7 and 10.",
    "My child is 14 and has autism.",
    "She is 5 years old and starts school in September.",
    "He turned 16 last month.",
    "From 0 to 25 the Local Offer should cover everything.",
    "Post 16 options were not explained.",
    "The 20 week timeline was missed by 4 weeks.",
    "It was 2 weeks late.",
    "They promised a reply within 10 working days.",
    "The first meeting was on 5 January, the second on 19 January.",
    "We had the review meeting on Tuesday 10 February 2026.",
    "The phone line is only open 9 to 5.",
    "I spent 2 hours on hold.",
    "The website had 3 broken links.",
    "Page 4 of the plan is wrong.",
    "Section B has 7 needs listed.",
    "We rated the process 2 out of 10.",
    "The survey took 5 minutes.",
    "Question 3 was confusing.",
    "It is 2026 and we still use paper forms.",
    "Funding was 6000 pounds a year.",
    "The top-up is about 4,500 a year.",
    "The short breaks budget is 1200.",
    "He gets 38 weeks of provision.",
    "We were offered 3 schools and none were suitable.",
    "The placement started on 1 September 2025.",
    "The consultation took from 10/10/2025 to 24/10/2025.",
    "The paperwork arrived on 01/02/2026.",
    "The deadline was 31/03/2026.",
    "Version 2 of the draft was better.",
    "We need 2 copies of the plan.",
    "In Year 9 the transition review should start.",
    "Key stage 2 results were not mentioned.",
    "He is working at level 3 in maths.",
    "There are 12 children in his class.",
    "The unit has 8 places.",
    "We travelled 30 minutes to the clinic.",
    "Appointments were 3 months apart.",
    "The assessment had 4 parts.",
    "The report said 98 percent attendance.",
    "Attendance dropped to 60% this term.",
    "He missed 40 sessions.",
    "It was his 3rd school in 2 years.",
    "We asked 5 questions and got 1 answer.",
    "The helpline was closed for 2 weeks over Christmas.",
    "Room 101 at the civic centre was too small.",
    "The bus number 42 stops outside the school.",
    "Floor 2 has no lift access.",
    "The form had 20 questions.",
    "After 3 weeks we got an email.",
    "Between 2019 and 2022 nothing changed.",
    "Our score was 3.5 out of 5.",
    "About 50 families came to the event.",
    "The coffee morning is on the 2nd Tuesday of each month.",
    "Every 6 weeks there is a drop-in session.",
    "It took 1 year and 2 months overall.",
    "We were told week 16 for the draft.",
    "The panel meets every 2 weeks on a Thursday.",
    "Our son has a reading age of 7 at 11.",
    "He needs 2 adults for personal care.",
    "There are 4 steps in the process.",
    "Mediation took 30 days.",
    "The appeal deadline is 2 months after the decision.",
    "Only 1 in 3 parents said they felt listened to.",
    "Our review was on 07/07/2025 and nothing happened.",
    "The 0-25 service was helpful.",
    "Part 3 of the Children and Families Act 2014 applies.",
    "The SEND Code of Practice 2015 says 20 weeks.",
    "We got the final plan at week 19.",
]


def _cases():
    for number, (kind, detail) in enumerate(DETAILS):
        yield pytest.param(kind, detail, SENTENCES[number % len(SENTENCES)].format(detail), id=f"{kind}-{number}")


def test_the_corpus_is_big_enough():
    assert len(DETAILS) >= 100
    assert len({kind for kind, _detail in DETAILS}) >= 9
    assert len(ORDINARY) >= 100


def _core(detail: str) -> str:
    """The part of a detail that is personal (for "NHS number 401...", the digits)."""
    words = detail.split()
    if detail.lower().startswith(("nhs", "dob", "d.o.b", "date of birth", "born", "birth", "birthday")):
        return " ".join(w for w in words if any(ch.isdigit() for ch in w))
    for lead in ("my son is called ", "my daughter ", "our caseworker ", "his name is ", "my 9 year old son "):
        if detail.lower().startswith(lead):
            return detail[len(lead) :]
    if detail.startswith(("Mrs ", "Dr ")):
        return detail.split(" ", 1)[1]
    for lead in ("EHCP ref ", "case number ", "plan reference: ", "address is "):
        if detail.startswith(lead):
            return detail[len(lead) :].split(",")[0]
    return detail


@pytest.mark.parametrize(("kind", "detail", "text"), list(_cases()))
def test_every_personal_detail_is_removed(kind, detail, text):
    core = _core(detail)
    assert core
    quoted = redact(text)
    assert core not in quoted and core.lower() not in quoted.lower(), quoted
    if kind != "name":
        stored = scrub(text)
        assert core not in stored and core.lower() not in stored.lower(), stored


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_comments_with_numbers_are_left_alone(text):
    assert redact(text) == text
    assert scrub(text) == text


def test_one_set_of_patterns_is_used_when_storing_and_when_quoting():
    from app.surveys import page_feedback, responses

    assert responses.scrub is scrub
    assert page_feedback.scrub is scrub
