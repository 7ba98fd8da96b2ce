// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <linux/pmtufix.h>

#include "array.h"
#include "request.h"

int pmtufix_simple_request(const char *action, uint8_t cmd, const char *name,
			   const struct pmtufix_u32_attr *attrs, size_t n)
{
	struct pmtufix_nl h;
	struct nlmsghdr *nlh;
	size_t i;
	int ret;

	if (pmtufix_nl_open(&h, action))
		return 1;
	nlh = pmtufix_nl_request(&h, cmd, NLM_F_ACK);
	if (name)
		mnl_attr_put_strz(nlh, PMTUFIX_A_TABLE, name);
	for (i = 0; i < n; i++)
		mnl_attr_put_u32(nlh, attrs[i].type, attrs[i].value);
	ret = pmtufix_nl_talk(&h, nlh, NULL, NULL);
	if (ret)
		pmtufix_nl_perror(&h, action, ret);
	pmtufix_nl_close(&h);
	return ret ? 1 : 0;
}

struct table_list {
	struct pmtufix_table_reply *t;
	size_t n, cap;
};

static int table_list_cb(const struct nlmsghdr *nlh, void *data)
{
	struct table_list *l = data;
	struct pmtufix_table_reply *p;

	p = array_grow(l->t, &l->cap, l->n, sizeof(*l->t), 16);
	if (!p)
		return MNL_CB_ERROR;
	l->t = p;
	if (pmtufix_parse_reply_table(nlh, &l->t[l->n]) == 0)
		l->n++;
	return MNL_CB_OK;
}

int pmtufix_get_tables(struct pmtufix_nl *h, const char *name,
		       struct pmtufix_table_reply **out, size_t *n)
{
	struct table_list l = {};
	struct nlmsghdr *nlh;
	int ret, tries = 0;

	do {
		l.n = 0;
		nlh = pmtufix_nl_request(h, PMTUFIX_CMD_TABLE_GET,
					 name ? NLM_F_ACK : NLM_F_DUMP);
		if (name)
			mnl_attr_put_strz(nlh, PMTUFIX_A_TABLE, name);
		ret = pmtufix_nl_talk(h, nlh, table_list_cb, &l);
	} while (!ret && h->dump_intr && ++tries < PMTUFIX_DUMP_TRIES);
	if (ret) {
		free(l.t);
		return ret;
	}
	*out = l.t;
	*n = l.n;
	return 0;
}
