#!/usr/bin/python3
"""dav-ms.py FILE: a CalDAV answer read with Python's own XML parser
(xml.etree), independent of kcald's libxml2, one line per fact:

  HREF|STATUS              a response with its own status (a 404 member)
  HREF|PROP|TEXT           a property with a 200 propstat (text or the
                           local names of its children, or its hrefs)
  HREF|PROP|404            a property in a 404 propstat
  TOKEN|VALUE              a multistatus's sync-token
  ERROR|COND|DESCRIPTION   a DAV:error body

Exit 2 when the file is not well-formed XML (the line says why)."""
import sys
import xml.etree.ElementTree as ET

D = "{DAV:}"


def local(tag):
    return tag.split("}", 1)[-1]


def value(el):
    hrefs = [h.text or "" for h in el.iter(D + "href")]
    if hrefs:
        return " ".join(hrefs)
    if len(el):
        out = []
        for c in el.iter():
            if c is el:
                continue
            name = local(c.tag)
            if c.get("name"):
                name += "=" + c.get("name")
            out.append(name)
        return " ".join(out)
    return (el.text or "").replace("\r", "").replace("\n", "\\n")


def main():
    try:
        root = ET.parse(sys.argv[1]).getroot()
    except ET.ParseError as e:
        print("INVALID|%s" % e)
        return 2
    if root.tag == D + "error":
        conds = [local(c.tag) for c in root if c.tag != D + "responsedescription"]
        desc = root.findtext(D + "responsedescription") or ""
        print("ERROR|%s|%s" % (",".join(conds), desc))
        return 0
    for r in root.findall(D + "response"):
        href = r.findtext(D + "href")
        st = r.findtext(D + "status")
        if st is not None:
            print("%s|%s" % (href, st.split()[1]))
        for ps in r.findall(D + "propstat"):
            code = ps.findtext(D + "status").split()[1]
            for p in ps.find(D + "prop"):
                if code == "200":
                    print("%s|%s|%s" % (href, local(p.tag), value(p)))
                else:
                    print("%s|%s|%s" % (href, local(p.tag), code))
    tok = root.findtext(D + "sync-token")
    if tok is not None:
        print("TOKEN|%s" % tok)
    return 0


sys.exit(main())
