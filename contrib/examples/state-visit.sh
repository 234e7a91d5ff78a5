#!/bin/sh
# contrib/examples/state-visit.sh [KCAL] — load the example calendar through
# the public interface (kcal against a running kcald; KCAL_SOCKET selects
# it): President Lee Jae-myung's state visit to China, 4-7 January 2026
# (Beijing, then Shanghai), its programme, and outside events worth tracking.
# Times the public record does not give are marked tentative.
#
# It shows the itinerary features: the visit is the parent of its programme
# (--parent); the delegations carry role, country and precedence (Li Qiang,
# the Premier, ranks second in China, Zhao Leji third); the travel legs
# Seoul -> Beijing -> Shanghai -> Seoul start and end in their own zones
# (--tz, --end-tz) and cities (--city, --end-city, or "A -> B" locations);
# the motorcade is anchored 15 minutes before the welcome ceremony (--anchor,
# --offset), so it moves when the ceremony does.  Try:
#   kcal itinerary UID [--format markdown|html|ics|json]
#   kcal conflicts --from 2026-01-01 --to 2026-02-01
#   kcal people --from 2026-01-01
set -e
K=${1:-kcal}
SH=Asia/Shanghai
SEOUL=Asia/Seoul
LEE="Lee Jae-myung;guest;KR;1"
XI="Xi Jinping;host;CN;1"

visit=$($K add "State visit of President Lee Jae-myung to China" \
	--kind state-visit --start 2026-01-04 --end 2026-01-08 --tz $SH \
	--location "Beijing and Shanghai, China" \
	--participant "$LEE" --participant "Wi Seong-lac;delegate;KR;2" \
	--participant "$XI" \
	--description "First state visit by a Korean president to China since 2017, at the invitation of President Xi Jinping." \
	--url "https://www.president.go.kr/")

addu() { $K add "$@" --parent "$visit"; }
add() { addu "$@" >/dev/null; }

# 4 January: Seoul -> Beijing
add "Flight Seoul - Beijing" --kind travel --start "2026-01-04 10:00" \
	--tz $SEOUL --end "2026-01-04 11:30" --end-tz $SH --status tentative \
	--city Seoul --end-city Beijing \
	--location "Seoul Air Base -> Beijing Capital International Airport" \
	--participant "$LEE" --remind 2h
add "Dinner with Korean expatriates in China" --kind banquet \
	--start "2026-01-04 18:30" --duration 2h --tz $SH --status tentative \
	--location "Beijing" --participant "$LEE" --remind 30m

# 5 January: Beijing
add "Korea-China Business Forum" --kind forum --start "2026-01-05 09:30" \
	--duration 1h30m --tz $SH --status tentative --location "Beijing" \
	--participant "$LEE" --remind 30m
ceremony=$(addu "Official welcome ceremony" --kind ceremony \
	--start "2026-01-05 15:30" --duration 30m --tz $SH --status tentative \
	--location "Great Hall of the People, Beijing" \
	--participant "$LEE" --participant "$XI" --remind 1h --remind 15m)
add "Motorcade departs for the Great Hall of the People" --kind travel \
	--anchor "$ceremony" --offset -15m --duration 15m --tz $SH \
	--status tentative --city Beijing --participant "$LEE" --remind 10m
add "Korea-China summit" --kind summit --start "2026-01-05 16:00" \
	--duration 1h30m --tz $SH --status tentative \
	--location "Great Hall of the People, Beijing" \
	--participant "$LEE" --participant "$XI" --remind 1h \
	--description "Restoring relations; economy; peace on the Korean Peninsula; Yellow Sea structures."
add "Signing of more than ten MOUs (economy, industry, climate, transport)" \
	--kind signing --start "2026-01-05 17:30" --duration 30m --tz $SH \
	--status tentative --location "Great Hall of the People, Beijing" \
	--participant "$LEE" --participant "$XI"
add "State dinner" --kind banquet --start "2026-01-05 19:00" --duration 2h \
	--tz $SH --status tentative --location "Great Hall of the People, Beijing" \
	--participant "$LEE" --participant "$XI" --remind 1h

# 6 January: Beijing -> Shanghai
add "Meeting with Zhao Leji, Chairman of the NPC Standing Committee" \
	--kind meeting --start "2026-01-06 10:00" --duration 1h --tz $SH \
	--status tentative --location "Great Hall of the People, Beijing" \
	--participant "$LEE" --participant "Zhao Leji;host;CN;3" --remind 30m
add "Luncheon with Premier Li Qiang" --kind banquet \
	--start "2026-01-06 12:00" --duration 1h30m --tz $SH --status tentative \
	--location "Beijing" --participant "$LEE" \
	--participant "Li Qiang;host;CN;2" --remind 30m
add "Transfer Beijing - Shanghai" --kind travel --start "2026-01-06 15:00" \
	--duration 2h15m --tz $SH --status tentative \
	--location "Beijing -> Shanghai" --participant "$LEE"
add "Dinner with the Shanghai Party Secretary" --kind banquet \
	--start "2026-01-06 19:00" --duration 2h --tz $SH --status tentative \
	--location "Shanghai" --participant "$LEE" \
	--participant "Shanghai Party Secretary;host;CN;4"

# 7 January: Shanghai -> Seoul
add "Korea-China Venture Startup Summit" --kind forum \
	--start "2026-01-07 10:00" --duration 1h30m --tz $SH --status tentative \
	--location "Shanghai" --participant "$LEE" --remind 30m
add "Visit to the former Provisional Government building (Kim Gu, 150th anniversary of his birth)" \
	--kind visit --start "2026-01-07 14:00" --duration 1h --tz $SH \
	--status tentative \
	--location "Former Site of the Provisional Government of the Republic of Korea, Shanghai" \
	--participant "$LEE" --remind 30m
add "Flight Shanghai - Seoul" --kind travel --start "2026-01-07 17:00" \
	--tz $SH --end "2026-01-07 20:00" --end-tz $SEOUL --status tentative \
	--city Shanghai --end-city Seoul \
	--location "Shanghai Pudong International Airport -> Seoul Air Base" \
	--participant "$LEE" --remind 2h

# Context: the earlier summit and outside events worth tracking.
$K add "Lee-Xi summit on the sidelines of APEC" --kind summit \
	--start "2025-11-01 14:00" --duration 1h30m --tz $SEOUL \
	--status tentative --location "Gyeongju Museum, Gyeongju" \
	--participant "$LEE" --participant "Xi Jinping;guest;CN;1" >/dev/null
$K add "Korea-China state banquet (APEC)" --kind banquet \
	--start "2025-11-01 19:00" --duration 2h --tz $SEOUL --status tentative \
	--location "Sonokam Grand Ballroom, Gyeongju" \
	--participant "Lee Jae-myung;host;KR;1" \
	--participant "Xi Jinping;guest;CN;1" >/dev/null
$K add "Birthday of Kim Gu (1876)" --kind anniversary --start 2025-08-29 \
	--tz $SEOUL --rrule "FREQ=YEARLY" \
	--description "Independence activist; the 150th anniversary falls in 2026." >/dev/null
$K add "Anniversary of Korea-China diplomatic relations (1992)" \
	--kind anniversary --start 2025-08-24 --tz $SEOUL --rrule "FREQ=YEARLY" >/dev/null
$K add "9th Congress of the Workers' Party of Korea" --kind congress \
	--start 2026-02-01 --end 2026-02-08 --tz Asia/Pyongyang --status tentative \
	--location "Pyongyang" \
	--description "Dates not announced; placeholder week for tracking." >/dev/null
$K add "Iron Mace exercise" --kind exercise --start 2026-01-26 \
	--end 2026-01-31 --tz $SEOUL --status tentative \
	--description "Combined exercise condemned by Pyongyang; dates approximate." >/dev/null
echo "$visit"
