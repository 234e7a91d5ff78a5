/*
 * ical-clone.c — copies of libical components and properties that keep
 * every value.
 *
 * libical's own copies (icalcomponent_new_clone, icalproperty_new_clone)
 * drop the text of an enumerated property's extension value: CLASS:X-TOP-
 * SECRET came out as "CLASS:" (so STATUS:X-..., TRANSP:X-..., ACTION:X-...).
 * kcal reads a CLASS it does not know as PRIVATE (RFC 5545 3.8.1.3), and a
 * CLASS without a value as none at all, PUBLIC: a copied record of a
 * private event (an import merging overrides into a stored series, an
 * export) was published.  Here each copied property's value is given its
 * extension text back, walking the original and the copy side by side
 * (libical copies properties and components in their order).
 *
 * The walk moves c's own iterators (libical keeps them in the component):
 * c must be the caller's alone, never a component libical shares between
 * threads (a built-in zone's VTIMEZONE: ical-export.c copies those with
 * libical's copy), and not one the caller is walking meanwhile.
 */
#include <libical/ical.h>

#include "ical-int.h"

/* Give copy's value the extension text orig's has (an X- enum). */
static void
keep_x(icalproperty *orig, icalproperty *copy)
{
	icalvalue	*ov = icalproperty_get_value(orig);
	icalvalue	*cv = icalproperty_get_value(copy);
	const char	*x;

	if (ov == NULL || cv == NULL || icalvalue_isa(ov) == ICAL_X_VALUE)
		return;
	if ((x = icalvalue_get_x(ov)) != NULL && icalvalue_get_x(cv) == NULL)
		icalvalue_set_x(cv, x);
}

icalproperty *
ical_clone_prop(icalproperty *p)
{
	icalproperty	*q = icalproperty_new_clone(p);

	keep_x(p, q);
	return q;
}

static void
keep_all_x(icalcomponent *orig, icalcomponent *copy)
{
	icalproperty	*p, *q;
	icalcomponent	*c, *d;

	for (p = icalcomponent_get_first_property(orig, ICAL_ANY_PROPERTY),
	    q = icalcomponent_get_first_property(copy, ICAL_ANY_PROPERTY);
	    p != NULL && q != NULL;
	    p = icalcomponent_get_next_property(orig, ICAL_ANY_PROPERTY),
	    q = icalcomponent_get_next_property(copy, ICAL_ANY_PROPERTY))
		keep_x(p, q);
	for (c = icalcomponent_get_first_component(orig, ICAL_ANY_COMPONENT),
	    d = icalcomponent_get_first_component(copy, ICAL_ANY_COMPONENT);
	    c != NULL && d != NULL;
	    c = icalcomponent_get_next_component(orig, ICAL_ANY_COMPONENT),
	    d = icalcomponent_get_next_component(copy, ICAL_ANY_COMPONENT))
		keep_all_x(c, d);
}

icalcomponent *
ical_clone(icalcomponent *c)
{
	icalcomponent	*d = icalcomponent_new_clone(c);

	if (d != NULL)
		keep_all_x(c, d);
	return d;
}
