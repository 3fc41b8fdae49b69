#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "cinch/error.h"
#include "cinch/state.h"

static bool id_char_ok(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
	       ch == '+' || ch == '.' || ch == '-';
}

int cinch_state_validate_id(const char *id, struct cinch_error **err)
{
	if (id == NULL || id[0] == '\0')
		return cinch_error_set(err, 0, "container id must not be empty");
	if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return cinch_error_set(err, 0, "invalid container id \"%s\"", id);
	size_t len = strlen(id);
	if (len > CINCH_ID_MAX)
		return cinch_error_set(err, 0, "container id is longer than %d characters", CINCH_ID_MAX);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)id[i];
		if (id_char_ok(ch))
			continue;
		if (ch < 0x20 || ch >= 0x7f)
			return cinch_error_set(err, 0, "invalid container id: byte 0x%02x at offset %zu; allowed: A-Z a-z 0-9 _ + . -", ch, i);
		return cinch_error_set(err, 0, "invalid container id \"%s\": '%c' is not allowed; allowed: A-Z a-z 0-9 _ + . -", id, ch);
	}
	return 0;
}
