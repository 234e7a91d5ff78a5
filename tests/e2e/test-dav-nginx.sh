#!/bin/sh
# test-dav-nginx.sh — the documented way to reach kcald from other
# machines: contrib/nginx/kcal-feeds.conf, as shipped but for its ports,
# certificate (a throw-away self-signed one) and log paths, run as an
# unprivileged nginx in front of a private kcald.  Over HTTPS: the
# well-known redirect, a login refused and asked for (a failure counted for
# the app's address, X-Real-IP, http_trusted_proxy; a path with dot
# segments refused), a PUT, discovery and
# sync with python3-caldav, feeds, a path it does not pass; plain HTTP
# redirects to HTTPS; the access log holds neither passwords nor feed
# tokens.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/davlib.sh"

need_client nginx-light test -x /usr/sbin/nginx
need_client openssl have openssl
# As the configuration's head says: its X-Real-IP counts for logins.
mkdir -p "$XDG_CONFIG_HOME/kcal"
echo "http_trusted_proxy = 127.0.0.1" >>"$XDG_CONFIG_HOME/kcal/kcald.conf"
dav_start || { fail "kcald starts with --http"; done_testing; exit 1; }
dav_user envoy 'tls pw 4' || { done_testing; exit 1; }

N="$T/nginx"
mkdir -p "$N/tmp"
HP=$(free_port) SP=$(free_port)
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$N/key.pem" \
    -out "$N/cert.pem" >/dev/null 2>&1 || { fail "openssl makes a certificate"; done_testing; exit 1; }
sed -e "s|listen 80;|listen 127.0.0.1:$HP;|" \
    -e "s|listen 443 ssl http2;|listen 127.0.0.1:$SP ssl http2;|" \
    -e '/listen \[::\]/d' \
    -e "s|/etc/letsencrypt/live/cal.example.org/fullchain.pem|$N/cert.pem|" \
    -e "s|/etc/letsencrypt/live/cal.example.org/privkey.pem|$N/key.pem|" \
    -e "s|server 127.0.0.1:8765;|server 127.0.0.1:$PORT;|" \
    -e "s|/var/log/nginx/kcal-feeds.log|$N/access.log|" \
    -e 's|server_name cal.example.org;|server_name 127.0.0.1;|' \
    "$top/contrib/nginx/kcal-feeds.conf" >"$N/site.conf"
cat >"$N/nginx.conf" <<EOC
worker_processes 1;
pid $N/nginx.pid;
error_log $N/error.log;
events { worker_connections 64; }
http {
    client_body_temp_path $N/tmp/body;
    proxy_temp_path $N/tmp/proxy;
    fastcgi_temp_path $N/tmp/fastcgi;
    uwsgi_temp_path $N/tmp/uwsgi;
    scgi_temp_path $N/tmp/scgi;
    access_log off;
    include $N/site.conf;
}
EOC
if o=$(/usr/sbin/nginx -t -p "$N" -c "$N/nginx.conf" 2>&1); then
	pass "nginx accepts contrib/nginx/kcal-feeds.conf"
else
	fail "nginx accepts contrib/nginx/kcal-feeds.conf" "$o"; done_testing; exit 1
fi
/usr/sbin/nginx -p "$N" -c "$N/nginx.conf" -g 'daemon off;' 2>>"$N/error.log" &
NGINX_PID=$!
trap 'kill $NGINX_PID 2>/dev/null; _cleanup' EXIT
wait_for 5 curl -s --cacert "$N/cert.pem" -o /dev/null "https://127.0.0.1:$SP/" ||
	fail "nginx answers on https://127.0.0.1:$SP/"
S="https://127.0.0.1:$SP"
tls() { curl -sS --noproxy '*' --cacert "$N/cert.pem" -o "$T/body" -D "$T/hdr" \
    -w '%{http_code}' "$@"; }

check_eq "http:// redirects to https:// (301)" 301 \
    "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HP/dav/")"
check_eq "GET /.well-known/caldav through nginx: 301" 301 "$(tls "$S/.well-known/caldav")"
check_match "... to /dav/" '/dav/$' "$(dav_hdr Location)"
check_eq "PROPFIND /dav/ without login through nginx: 401" 401 \
    "$(tls -X PROPFIND -H 'Depth: 0' "$S/dav/")"
check_match "... WWW-Authenticate reaches the app" '^Basic realm="kcal"' \
    "$(dav_hdr WWW-Authenticate)"
check_eq "a wrong password through nginx, from 127.0.0.77: 401" 401 \
    "$(tls --interface 127.0.0.77 -u 'envoy:wrong' -X PROPFIND \
    -H 'Depth: 0' "$S/dav/")"
check_match "... counted for the app's address (X-Real-IP), not nginx's" \
    'failed login as envoy from 127\.0\.0\.77' "$(cat "$T/kcald.out")"
check_eq "an app's own X-Real-IP, by a path nginx routes as a feed's: 400" \
    400 "$(tls --path-as-is -H 'X-Real-IP: 203.0.113.9' -u 'envoy:guess' \
    "$S/dav/../feeds/x.ics")"
check_eq "... and the app's own X-Real-IP reaches no login" "" \
    "$(grep '203\.0\.113\.9' "$T/kcald.out")"
obj='BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kcal tests//nginx//EN\r\nBEGIN:VEVENT\r\nUID:tls-1@test\r\nDTSTAMP:20270101T000000Z\r\nDTSTART;VALUE=DATE:20270710\r\nSUMMARY:Reception through TLS\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n'
printf "$obj" >"$T/tls.ics"
check_eq "PUT through nginx: 201" 201 "$(tls -u 'envoy:tls pw 4' -X PUT \
    -H 'If-None-Match: *' -H 'Content-Type: text/calendar' \
    --data-binary @"$T/tls.ics" "$S/dav/calendars/envoy/calendar/tls-1.ics")"
check_eq "... and kcal has it" "Reception through TLS" \
    "$(kcal show tls-1@test --format json 2>&1 | jq -r .summary 2>&1)"
check_eq "the public feed through nginx: 200" 200 "$(tls "$S/feeds/all.ics")"
check_match "... with the event" 'SUMMARY:Reception through TLS' "$(tr -d '\r' <"$T/body")"
check_eq "a path nginx does not pass: 404" 404 "$(tls "$S/status")"

if /usr/bin/python3 -c 'import caldav' 2>/dev/null; then
	o=$(/usr/bin/python3 - "$S" "$N/cert.pem" <<'EOP' 2>&1
import sys, caldav
c = caldav.DAVClient(url=sys.argv[1] + "/.well-known/caldav", username="envoy",
                     password="tls pw 4", ssl_verify_cert=sys.argv[2])
cal = c.principal().calendars()[0]
coll = cal.objects(load_objects=True)
print(cal.url.path, sorted(str(o.icalendar_component["UID"]) for o in coll))
EOP
)
	check_eq "python3-caldav discovers and syncs over https from the well-known URL" \
	    "/dav/calendars/envoy/calendar/ ['tls-1@test']" "$o"
else
	skip "python3-caldav is not installed (apt-get install -y python3-caldav)"
fi
feed=$(kcal feed add tls --include private | grep -Eo '/feeds/[a-z2-7]{32}\.ics' | head -n 1)
check_eq "a token feed through nginx: 200" 200 "$(tls "$S$feed")"
check_eq "the access log holds no password" "" \
    "$(grep -F -e 'tls pw 4' -e "$(printf 'envoy:tls pw 4' | base64)" "$N/access.log")"
check_eq "the access log holds no feed token" "" \
    "$(grep -F "${feed#/feeds/}" "$N/access.log")"
check_match "the access log has the requests" 'PROPFIND' "$(cat "$N/access.log")"
kill "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null
done_testing
