/* tz-windows.h — Windows zone names to IANA zones (CLDR data, tz-windows.c). */
#ifndef KCAL_TZ_WINDOWS_H
#define KCAL_TZ_WINDOWS_H

const char	*tz_windows(const char *);
int		 tz_windows_target(const char *);

#endif
