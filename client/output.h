/* output.h — how kcal prints events: aligned table, TSV, JSON, detail. */
#ifndef KCAL_OUTPUT_H
#define KCAL_OUTPUT_H

#include <stdio.h>
#include <jansson.h>

int	out_color(FILE *);
void	out_json(FILE *, const json_t *);
void	out_table(FILE *, json_t *, int);
void	out_tsv(FILE *, json_t *);
void	out_event(FILE *, json_t *, int);
size_t	out_width(const char *);
char	*out_safe(const char *, int);
void	 out_sanitize(json_t *);

#endif
