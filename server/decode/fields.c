/*
 * fields.c - the request-field tables expanded from fields.h.
 */
#include "decode/fields.h"

#include <stdio.h>
#include <string.h>

#define FIELD_ROW(id, name, flags) [id] = {name, sizeof name - 1, flags},
const field_spec request_fields[FIELD_COUNT] = {REQUEST_FIELDS(FIELD_ROW)};
const field_spec range_fields[RANGE_COUNT] = {RANGE_FIELDS(FIELD_ROW)};
#undef FIELD_ROW

int field_find(const field_spec *list, int n, const char *name, size_t len, unsigned flags)
{
    for (int i = 0; i < n; i++)
        if ((list[i].flags & flags) && list[i].len == len && memcmp(list[i].name, name, len) == 0)
            return i;
    return -1;
}

void field_names(char *buf, size_t cap, const field_spec *list, int n, unsigned flags,
                 unsigned skip, const char *last_sep)
{
    int count = 0, total = 0;
    size_t k = 0;
    for (int i = 0; i < n; i++) total += (list[i].flags & flags) && !(list[i].flags & skip);
    buf[0] = 0;
    for (int i = 0; i < n && k < cap; i++) {
        if (!(list[i].flags & flags) || (list[i].flags & skip)) continue;
        const char *sep = count == 0 ? "" : count + 1 == total ? last_sep : ", ";
        k += (size_t)snprintf(buf + k, cap - k, "%s%s", sep, list[i].name);
        count++;
    }
}
