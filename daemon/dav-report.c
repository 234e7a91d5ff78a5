/* placeholder */
#include "dav-int.h"
void
dav_report(struct dav_call *d)
{
	dav_reply_text(d, 501, "REPORT not yet");
}
