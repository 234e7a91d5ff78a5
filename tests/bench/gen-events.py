#!/usr/bin/env python3
"""gen-events.py -- a deterministic calendar of N rich diplomatic events.

The benchmark's input: the same seed gives the same bytes, on any machine.
Each event is what a protocol office really keeps: a bilingual or trilingual
summary, a description with Korean and Chinese text, two to eight
participants (names in Hangul, Hanzi, Kanji or Latin script, with role,
delegation and precedence), a location and its IANA zone (eleven zones, each
with its VTIMEZONE), about 10% recurring (weekly with a COUNT and EXDATEs,
monthly with an UNTIL, yearly anniversaries without an end), about 30% with
VALARM reminders, state visits as all-day parents of their programme
(RELATED-TO), flights that end in another zone, a few cancelled, tentative,
private and confidential events, URLs and X- properties, spread over three
years.

  gen-events.py N [--seed S] [--start YYYY-MM-DD] [--days D]
                  [--format ics|jsonl] [--remind-ratio R] [--recur-ratio R]
                  [--all-public] [--due EPOCH] [--uid-prefix P] [-o FILE]

--format jsonl writes the same events as protocol "add" requests, one per
line (EXDATEs and X- properties have no add argument and are left out).
--due EPOCH makes every event a single timed event with one reminder due at
that instant (the reminder-burst benchmark), the events a minute apart.
"""

import argparse
import datetime as dt
import json
import random
import sys
import zoneinfo

# City, zone, country code.  Times are drawn between 07:00 and 21:45 local,
# so none falls in a DST gap.
CITIES = [
    ("Seoul, Blue House Guest House / 서울 영빈관", "Asia/Seoul", "KR"),
    ("Busan, BEXCO Convention Hall / 부산 벡스코", "Asia/Seoul", "KR"),
    ("Beijing, Great Hall of the People / 北京人民大会堂", "Asia/Shanghai", "CN"),
    ("Shanghai, Xijiao State Guest Hotel / 上海西郊宾馆", "Asia/Shanghai", "CN"),
    ("Tokyo, Akasaka Palace / 東京迎賓館赤坂離宮", "Asia/Tokyo", "JP"),
    ("Pyongyang, Kumsusan Guest House / 평양 금수산 영빈관", "Asia/Pyongyang",
     "KP"),
    ("Brussels, Europa Building", "Europe/Brussels", "EU"),
    ("Geneva, Palais des Nations", "Europe/Zurich", "CH"),
    ("Washington, Blair House", "America/New_York", "US"),
    ("New York, UN Headquarters", "America/New_York", "UN"),
    ("Jakarta, ASEAN Secretariat", "Asia/Jakarta", "ID"),
    ("Canberra, Parliament House", "Australia/Sydney", "AU"),
    ("Ulaanbaatar, State Palace / 울란바토르 국가궁", "Asia/Ulaanbaatar", "MN"),
    ("Moscow, Kremlin Senate", "Europe/Moscow", "RU"),
]

COUNTRIES = {
    "KR": ("Republic of Korea", "대한민국", "韩国"),
    "CN": ("China", "중국", "中国"),
    "JP": ("Japan", "일본", "日本"),
    "KP": ("DPRK", "북한", "朝鲜"),
    "EU": ("European Union", "유럽연합", "欧盟"),
    "CH": ("Switzerland", "스위스", "瑞士"),
    "US": ("United States", "미국", "美国"),
    "UN": ("United Nations", "국제연합", "联合国"),
    "ID": ("Indonesia", "인도네시아", "印度尼西亚"),
    "AU": ("Australia", "호주", "澳大利亚"),
    "MN": ("Mongolia", "몽골", "蒙古"),
    "RU": ("Russia", "러시아", "俄罗斯"),
}

# VTIMEZONE text for each zone used (standard offsets and current rules).
def _std(tzid, off, name):
    return ["BEGIN:VTIMEZONE", "TZID:" + tzid, "BEGIN:STANDARD",
            "TZOFFSETFROM:" + off, "TZOFFSETTO:" + off, "TZNAME:" + name,
            "DTSTART:19700101T000000", "END:STANDARD", "END:VTIMEZONE"]


def _dst(tzid, std, dst, sname, dname, dstart, drule, sstart, srule):
    return ["BEGIN:VTIMEZONE", "TZID:" + tzid,
            "BEGIN:DAYLIGHT", "TZOFFSETFROM:" + std, "TZOFFSETTO:" + dst,
            "TZNAME:" + dname, "DTSTART:" + dstart, "RRULE:" + drule,
            "END:DAYLIGHT",
            "BEGIN:STANDARD", "TZOFFSETFROM:" + dst, "TZOFFSETTO:" + std,
            "TZNAME:" + sname, "DTSTART:" + sstart, "RRULE:" + srule,
            "END:STANDARD", "END:VTIMEZONE"]


EU_D = "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"
EU_S = "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"
VTIMEZONES = {
    "Asia/Seoul": _std("Asia/Seoul", "+0900", "KST"),
    "Asia/Shanghai": _std("Asia/Shanghai", "+0800", "CST"),
    "Asia/Tokyo": _std("Asia/Tokyo", "+0900", "JST"),
    "Asia/Pyongyang": _std("Asia/Pyongyang", "+0900", "KST"),
    "Asia/Jakarta": _std("Asia/Jakarta", "+0700", "WIB"),
    "Asia/Ulaanbaatar": _std("Asia/Ulaanbaatar", "+0800", "ULAT"),
    "Europe/Moscow": _std("Europe/Moscow", "+0300", "MSK"),
    "Europe/Brussels": _dst("Europe/Brussels", "+0100", "+0200", "CET",
                            "CEST", "19700329T020000", EU_D,
                            "19701025T030000", EU_S),
    "Europe/Zurich": _dst("Europe/Zurich", "+0100", "+0200", "CET", "CEST",
                          "19700329T020000", EU_D, "19701025T030000", EU_S),
    "America/New_York": _dst("America/New_York", "-0500", "-0400", "EST",
                             "EDT", "19700308T020000",
                             "FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
                             "19701101T020000",
                             "FREQ=YEARLY;BYMONTH=11;BYDAY=1SU"),
    "Australia/Sydney": _dst("Australia/Sydney", "+1000", "+1100", "AEST",
                             "AEDT", "19701004T020000",
                             "FREQ=YEARLY;BYMONTH=10;BYDAY=1SU",
                             "19700405T030000",
                             "FREQ=YEARLY;BYMONTH=4;BYDAY=1SU"),
}

KO_SENT = [
    "양국 정상은 경제 협력과 공급망 안정에 대해 논의할 예정입니다.",
    "의전 담당관은 공항 도착 30분 전까지 현장에 대기해 주십시오.",
    "공동 기자회견은 정상회담 직후 본관 접견실에서 진행됩니다.",
    "참석자 명단과 좌석 배치도는 전날 오후 6시까지 확정됩니다.",
    "만찬에는 양국 대표단과 주요 경제계 인사가 참석합니다.",
    "통역은 한국어와 중국어 순차 통역으로 제공됩니다.",
    "차량 행렬은 호텔 정문에서 출발하며 경호 인력이 동행합니다.",
    "기후 변화와 보건 협력에 관한 양해각서 서명식이 포함되어 있습니다.",
    "국기 게양과 의장대 사열은 공식 환영식 순서에 따릅니다.",
    "언론 공개 부분은 모두 발언까지이며 이후 비공개로 진행됩니다.",
]
ZH_SENT = [
    "双方将就经贸合作、人文交流和地区形势深入交换意见。",
    "欢迎仪式将在东门外广场举行，礼宾人员请提前到场。",
    "请礼宾人员于代表团抵达前三十分钟到达现场。",
    "联合记者会将在会谈结束后立即举行。",
    "欢迎晚宴由东道国主持，两国代表团全体成员出席。",
    "会议将签署关于气候变化和公共卫生合作的谅解备忘录。",
    "车队将从国宾馆出发，沿长安街前往会场。",
    "同声传译提供中文、韩文和英文三种语言。",
    "会谈分小范围和大范围两个阶段进行。",
    "请各代表团于前一日下午六时前确认出席名单。",
]
EN_SENT = [
    "Arrival ceremony with guard of honour; flags of both countries on the "
    "dais.",
    "Working lunch: seating plan to be confirmed by the protocol office.",
    "Press pool: 12 accredited journalists, no questions during the photo "
    "opportunity.",
    "Motorcade departs the hotel 45 minutes before the meeting.",
    "Talks in restricted format, followed by an expanded session with "
    "ministers.",
    "Signing of the memorandum of understanding on science and technology.",
    "Dress code: business suit; national dress welcome at the banquet.",
    "Gifts exchanged after the talks; list held by the protocol office.",
]

KINDS = [  # kind, English title, Korean, Chinese, minutes
    ("summit", "summit", "정상회담", "首脑会谈", (90, 180)),
    ("bilateral", "bilateral meeting", "양자 회담", "双边会谈", (45, 90)),
    ("multilateral", "multilateral meeting", "다자 회의", "多边会议",
     (120, 240)),
    ("meeting", "working meeting", "실무 회의", "工作会议", (30, 90)),
    ("ceremony", "welcome ceremony", "공식 환영식", "欢迎仪式", (30, 45)),
    ("signing", "signing ceremony", "서명식", "签字仪式", (20, 40)),
    ("banquet", "state banquet", "국빈 만찬", "国宴", (120, 150)),
    ("forum", "business forum", "비즈니스 포럼", "商务论坛", (120, 240)),
    ("press", "joint press conference", "공동 기자회견", "联合记者会",
     (30, 60)),
    ("exercise", "joint exercise briefing", "연합 훈련 브리핑",
     "联合演习通报会", (60, 120)),
]

KO_FAMILY = "김이박최정강조윤장임한오"
KO_GIVEN = "민준서연지현우영수희진호성은"
ZH_FAMILY = "王李张刘陈杨赵黄周吴徐孙"
ZH_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明华"
JA_FAMILY = ["佐藤", "鈴木", "高橋", "田中", "渡辺", "伊藤"]
JA_GIVEN = ["健", "花子", "翔", "美咲", "大輔", "陽菜"]
LATIN_FIRST = ["Anna", "James", "María", "Thomas", "Sophie", "Daniel",
               "Elena", "Lukas", "Siti", "Bat-Erdene", "Olga", "Liam"]
LATIN_LAST = ["Müller", "Dubois", "Smith", "Jansen", "Rossi", "Novák",
              "García", "Wijaya", "Batbold", "Ivanova", "O'Brien"]
ROLES = ["host", "guest", "chair", "delegate", "interpreter", "observer"]
TITLES = ["President", "Prime Minister", "Foreign Minister",
          "Vice Minister", "Ambassador", "Director-General",
          "Chief of Protocol", "Deputy Chief of Mission"]

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def person(rnd, cc):
    if cc in ("KR", "KP"):
        return rnd.choice(KO_FAMILY) + "".join(rnd.sample(KO_GIVEN, 2))
    if cc == "CN":
        return rnd.choice(ZH_FAMILY) + "".join(rnd.sample(ZH_GIVEN,
                                                          rnd.randint(1, 2)))
    if cc == "JP":
        return rnd.choice(JA_FAMILY) + " " + rnd.choice(JA_GIVEN)
    return rnd.choice(LATIN_FIRST) + " " + rnd.choice(LATIN_LAST)


def esc(s):
    return (s.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def param(s):
    return '"%s"' % s if any(c in s for c in ",;:") else s


def fold(line):
    """RFC 5545 folding at 75 octets, never inside a UTF-8 character."""
    out, cur, n = [], [], 0
    for ch in line:
        w = len(ch.encode("utf-8"))
        if n + w > 75:
            out.append("".join(cur))
            cur, n = [" "], 1
        cur.append(ch)
        n += w
    out.append("".join(cur))
    return "\r\n".join(out)


def fmt_local(t):
    return t.strftime("%Y%m%dT%H%M%S")


def fmt_utc(t):
    return t.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


class Gen:
    def __init__(self, a):
        self.a = a
        self.rnd = random.Random(a.seed)
        self.start = dt.datetime.strptime(a.start, "%Y-%m-%d")
        self.zones_used = set()
        self.stamp = "20260101T000000Z"

    def description(self, cc1, cc2):
        r = self.rnd
        n1, n2 = COUNTRIES[cc1], COUNTRIES[cc2]
        parts = ["%s – %s / %s–%s / %s—%s" % (n1[0], n2[0], n1[1], n2[1],
                                              n1[2], n2[2])]
        parts += r.sample(KO_SENT, r.randint(2, 3))
        parts += r.sample(ZH_SENT, r.randint(2, 3))
        parts += r.sample(EN_SENT, r.randint(1, 2))
        return "\n".join(parts)

    def participants(self, cc1, cc2):
        r = self.rnd
        out = []
        for i in range(r.randint(2, 8)):
            cc = cc1 if i % 2 == 0 else cc2
            role = "host" if i == 0 else r.choice(ROLES[1:])
            out.append({"name": person(r, cc), "title": r.choice(TITLES),
                        "role": role, "country": cc,
                        "precedence": i // 2 + 1, "n": i})
        return out

    def when(self, zone, day, minutes, all_day=False):
        r = self.rnd
        d = self.start + dt.timedelta(days=day)
        if all_day:
            return d, d + dt.timedelta(days=minutes)
        s = d.replace(hour=r.randint(7, 20), minute=r.choice((0, 15, 30, 45)))
        return s, s + dt.timedelta(minutes=minutes)

    def event(self, i, parent=None, day=None, city=None, visit=False):
        r, a = self.rnd, self.a
        city = city or r.choice(CITIES)
        loc, zone, cc1 = city
        cc2 = r.choice([c for c in COUNTRIES if c != cc1])
        if a.due is not None:
            kind = r.choice(KINDS)
        elif visit:
            kind = ("state-visit", "state visit", "국빈 방문", "国事访问",
                    (2, 4))
        elif r.random() < 0.03:
            kind = ("travel", "delegation flight", "대표단 이동",
                    "代表团航班", (120, 240))
        else:
            kind = r.choice(KINDS)
        ev = {"uid": "%s-%06d@bench.kcal.example" % (a.uid_prefix, i),
              "kind": kind[0], "tz": zone, "end_tz": None,
              "location": loc, "parent": parent,
              "summary": "%s–%s %s / %s %s / %s%s" % (
                  COUNTRIES[cc1][0], COUNTRIES[cc2][0], kind[1],
                  COUNTRIES[cc2][1], kind[2], COUNTRIES[cc2][2], kind[3]),
              "description": self.description(cc1, cc2),
              "participants": self.participants(cc1, cc2),
              "rrule": None, "exdates": [], "remind": [],
              "all_day": False}
        x = r.random()
        ev["status"] = ("cancelled" if x < 0.03 else
                        "tentative" if x < 0.15 else "confirmed")
        x = r.random()
        ev["class"] = ("public" if a.all_public or x < 0.80 else
                       "private" if x < 0.92 else "confidential")
        ev["sequence"] = r.choice((0, 0, 0, 1, 2, 3))
        ev["url"] = ("https://mofa.example/events/%d" % i
                     if r.random() < 0.2 else None)
        ev["xref"] = "MOFA-%d-%05d" % (2026, i) if r.random() < 0.25 else None
        if day is None:
            day = r.randrange(a.days)
        if a.due is not None:
            self.due_times(ev, zone, i)
        elif visit:
            ev["all_day"] = True
            ev["start"], ev["end"] = self.when(zone, day, r.randint(2, 4),
                                               True)
        elif kind[0] == "travel":
            ev["start"], _ = self.when(zone, day, 0)
            other = r.choice([c for c in CITIES if c[1] != zone])
            ev["end_tz"] = other[1]
            utc_end = ev["start"].replace(
                tzinfo=zoneinfo.ZoneInfo(zone)) + dt.timedelta(
                    minutes=r.randint(*kind[4]))
            ev["end"] = utc_end.astimezone(
                zoneinfo.ZoneInfo(other[1])).replace(tzinfo=None)
            ev["location"] = "%s → %s" % (loc.split(",")[0],
                                          other[0].split(",")[0])
        else:
            ev["start"], ev["end"] = self.when(zone, day,
                                               r.randint(*kind[4]))
        if a.due is None:
            self.recurrence(ev)
            if r.random() < a.remind_ratio:
                ev["remind"] = sorted(r.sample([900, 1800, 3600, 86400],
                                               r.choice((1, 1, 2))))
        return ev

    def due_times(self, ev, zone, i):
        """Event i starts 10 + i minutes after the due instant, with a
        reminder as long before it: all are due together, but the events
        do not all pile up in one hour."""
        lead = dt.timedelta(minutes=10 + i)
        due = EPOCH + dt.timedelta(seconds=self.a.due)
        start = (due + lead).astimezone(
            zoneinfo.ZoneInfo(zone)).replace(tzinfo=None)
        ev["start"], ev["end"] = start, start + dt.timedelta(minutes=45)
        ev["remind"] = [int(lead.total_seconds())]
        ev["status"] = "confirmed"

    def recurrence(self, ev):
        r = self.rnd
        if r.random() >= self.a.recur_ratio:
            return
        x = r.random()
        if x < 0.5 and not ev["all_day"]:
            n = r.randint(4, 26)
            ev["rrule"] = "FREQ=WEEKLY;COUNT=%d" % n
            if r.random() < 0.3:
                k = r.randint(1, n - 1)
                ev["exdates"] = [ev["start"] + dt.timedelta(weeks=k)]
        elif x < 0.8 and not ev["all_day"]:
            until = ev["start"].replace(tzinfo=zoneinfo.ZoneInfo(
                ev["tz"])) + dt.timedelta(days=r.randint(180, 720))
            ev["rrule"] = "FREQ=MONTHLY;UNTIL=" + fmt_utc(until)
        else:
            d = ev["start"].replace(hour=0, minute=0)
            ev.update(kind="anniversary", all_day=True, end_tz=None,
                      start=d, end=d + dt.timedelta(days=1),
                      rrule="FREQ=YEARLY", summary="Anniversary: " +
                      ev["summary"])

    def events(self):
        a, r, i = self.a, self.rnd, 0
        while i < a.n:
            if a.due is None and r.random() < 0.02 and a.n - i > 6:
                city = r.choice(CITIES)
                day = r.randrange(max(1, a.days - 4))
                parent = self.event(i, city=city, day=day, visit=True)
                yield parent
                i += 1
                for _ in range(r.randint(3, 6)):
                    yield self.event(i, parent=parent["uid"], city=city,
                                     day=day + r.randrange(2))
                    i += 1
            else:
                yield self.event(i)
                i += 1


def ics_time(name, t, zone, all_day):
    if all_day:
        return "%s;VALUE=DATE:%s" % (name, t.strftime("%Y%m%d"))
    return "%s;TZID=%s:%s" % (name, zone, fmt_local(t))


def vevent(ev, stamp):
    L = ["BEGIN:VEVENT", "UID:" + ev["uid"], "DTSTAMP:" + stamp,
         "CREATED:" + stamp, "LAST-MODIFIED:" + stamp,
         "SEQUENCE:%d" % ev["sequence"],
         ics_time("DTSTART", ev["start"], ev["tz"], ev["all_day"]),
         ics_time("DTEND", ev["end"], ev["end_tz"] or ev["tz"],
                  ev["all_day"]),
         "SUMMARY:" + esc(ev["summary"]),
         "DESCRIPTION:" + esc(ev["description"]),
         "LOCATION:" + esc(ev["location"]),
         "CATEGORIES:" + ev["kind"],
         "STATUS:" + ev["status"].upper(),
         "CLASS:" + ev["class"].upper()]
    if ev["all_day"]:
        L.append("X-KCAL-TZ:" + ev["tz"])
    if ev["rrule"]:
        L.append("RRULE:" + ev["rrule"])
    for x in ev["exdates"]:
        L.append(ics_time("EXDATE", x, ev["tz"], False))
    if ev["parent"]:
        L.append("RELATED-TO;RELTYPE=PARENT:" + ev["parent"])
    if ev["url"]:
        L.append("URL:" + ev["url"])
    if ev["xref"]:
        L.append("X-MOFA-REF:" + ev["xref"])
    L.append("ORGANIZER;CN=Protocol Office / 의전실 / 礼宾司:"
             "mailto:protocol@mofa.example")
    for p in ev["participants"]:
        L.append("ATTENDEE;CN=%s;ROLE=%s;X-KCAL-ROLE=%s;X-KCAL-COUNTRY=%s;"
                 "X-KCAL-PRECEDENCE=%d:mailto:p%d.%s@delegation.example" % (
                     param(p["name"]), "CHAIR" if p["role"] == "chair" else
                     "REQ-PARTICIPANT", p["role"], p["country"],
                     p["precedence"], p["n"], ev["uid"].split("@")[0]))
    for s in ev["remind"]:
        L += ["BEGIN:VALARM", "ACTION:DISPLAY",
              "TRIGGER:-PT%dM" % (s // 60),
              "DESCRIPTION:" + esc(ev["summary"]), "END:VALARM"]
    L.append("END:VEVENT")
    return L


def add_request(ev, n):
    def w(t):
        return t.strftime("%Y-%m-%d" if ev["all_day"] else
                          "%Y-%m-%dT%H:%M:%S")
    req = {"id": n, "cmd": "add", "uid": ev["uid"],
           "summary": ev["summary"], "start": w(ev["start"]),
           "end": w(ev["end"]), "tz": ev["tz"], "kind": ev["kind"],
           "location": ev["location"], "description": ev["description"],
           "status": ev["status"], "class": ev["class"],
           "participants": [{"name": p["name"], "role": p["role"],
                             "country": p["country"],
                             "precedence": p["precedence"]}
                            for p in ev["participants"]]}
    for k in ("end_tz", "url", "parent", "rrule"):
        if ev[k]:
            req[k] = ev[k]
    if ev["remind"]:
        req["remind"] = ev["remind"]
    return json.dumps(req, ensure_ascii=False)


def main():
    p = argparse.ArgumentParser(description="deterministic diplomatic "
                                "calendar for the kcal benchmarks")
    p.add_argument("n", type=int)
    p.add_argument("--seed", type=int, default=20260101)
    p.add_argument("--start", default="2026-01-01")
    p.add_argument("--days", type=int, default=3 * 365)
    p.add_argument("--format", choices=("ics", "jsonl"), default="ics")
    p.add_argument("--remind-ratio", type=float, default=0.3)
    p.add_argument("--recur-ratio", type=float, default=0.1)
    p.add_argument("--all-public", action="store_true")
    p.add_argument("--due", type=int)
    p.add_argument("--uid-prefix", default="bench")
    p.add_argument("-o", "--output")
    a = p.parse_args()
    g = Gen(a)
    out = open(a.output, "w", encoding="utf-8", newline="") if a.output \
        else open(sys.stdout.fileno(), "w", encoding="utf-8", newline="",
                  closefd=False)
    if a.format == "jsonl":
        for n, ev in enumerate(g.events()):
            out.write(add_request(ev, n + 1) + "\n")
        out.close()
        return
    body, zones = [], set()
    for ev in g.events():
        zones.add(ev["tz"])
        if ev["end_tz"]:
            zones.add(ev["end_tz"])
        body += vevent(ev, g.stamp)
    head = ["BEGIN:VCALENDAR", "VERSION:2.0",
            "PRODID:-//kcal//bench generator//EN", "CALSCALE:GREGORIAN",
            "X-WR-CALNAME:Protocol calendar (benchmark) / 의전 일정 / 礼宾日程"]
    for z in sorted(zones):
        head += VTIMEZONES[z]
    for line in head + body + ["END:VCALENDAR"]:
        out.write(fold(line) + "\r\n")
    out.close()


if __name__ == "__main__":
    main()
