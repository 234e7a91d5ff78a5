#!/usr/bin/python3
"""tests/e2e/davxml.py FILE QUERY [ARGS] — read a WebDAV multistatus reply
with xml.etree for the shell tests (test-dav-*.sh):
  hrefs                 each response's href, one a line
  prop HREF PROP        the value of PROP (ns:name, ns one of d c cs a) in
                        HREF's 200 propstat: its text, or its children
                        (hrefs' text, privileges' and elements' names,
                        comps' name attribute), space-separated; nothing
                        when PROP is not in a 200 propstat
  propstatus HREF PROP  the status code of the propstat holding PROP
  status HREF           the response-level status code ("" if none)
  token                 the multistatus's sync-token
  data HREF             HREF's calendar-data
A reply that is not XML prints "not XML: ..." and exits 2."""
import sys
import xml.etree.ElementTree as ET

NS = {"d": "DAV:", "c": "urn:ietf:params:xml:ns:caldav",
      "cs": "http://calendarserver.org/ns/", "a": "http://apple.com/ns/ical/"}


def tag(p):
    ns, name = p.split(":", 1)
    return "{%s}%s" % (NS[ns], name)


def local(t):
    return t.rsplit("}", 1)[-1]


def code(status):
    parts = (status or "").split()
    return parts[1] if len(parts) > 1 else ""


def response(root, href):
    for r in root.findall("d:response", NS):
        if (r.findtext("d:href", "", NS) or "").strip() == href:
            return r
    return None


def value(el):
    if len(el) == 0:
        return (el.text or "").strip()
    out = []
    for c in el:
        if local(c.tag) == "href":
            out.append((c.text or "").strip())
        elif local(c.tag) == "privilege":
            out.extend(local(g.tag) for g in c)
        elif local(c.tag) == "comp":
            out.append(c.get("name", ""))
        elif local(c.tag) == "supported-report":
            out.extend(local(g.tag) for r in c for g in r)
        else:
            out.append(local(c.tag))
    return " ".join(sorted(out))


def main(argv):
    try:
        root = ET.parse(argv[1]).getroot()
    except ET.ParseError as e:
        print("not XML: %s" % e)
        return 2
    q = argv[2]
    if q == "hrefs":
        for r in root.findall("d:response", NS):
            print((r.findtext("d:href", "", NS) or "").strip())
    elif q == "token":
        print((root.findtext("d:sync-token", "", NS) or "").strip())
    elif q == "status":
        r = response(root, argv[3])
        print(code(r.findtext("d:status", "", NS)) if r is not None else "")
    elif q in ("prop", "propstatus", "data"):
        r = response(root, argv[3])
        want = tag("c:calendar-data" if q == "data" else argv[4])
        for ps in (r.findall("d:propstat", NS) if r is not None else []):
            el = ps.find("d:prop/" + want, NS)
            if el is None:
                continue
            st = code(ps.findtext("d:status", "", NS))
            if q == "propstatus":
                print(st)
            elif st == "200":
                print(el.text or "" if q == "data" else value(el))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
