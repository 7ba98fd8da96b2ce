// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD shim for the scenarios: once the process has received the
 * first part of a netlink dump, run the command in $AFTER_RECV (once, with
 * system(3)) before handing the part over.  It puts a change between two
 * parts of a dump at a known point, where a concurrent writer would hit
 * it only now and then.
 *
 *   cc -shared -fPIC -o after_recv.so after_recv.c -ldl
 *   AFTER_RECV='pmtufix table create x' LD_PRELOAD=./after_recv.so \
 *       pmtufix table list
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

typedef ssize_t (*recvmsg_t)(int, struct msghdr *, int);

static int first_dump_part(const struct msghdr *msg, ssize_t n)
{
	const struct nlmsghdr *nlh = msg->msg_iov[0].iov_base;

	return n >= (ssize_t)sizeof(*nlh) && nlh->nlmsg_flags & NLM_F_MULTI &&
	       nlh->nlmsg_type != NLMSG_DONE;
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	static recvmsg_t real;
	static int done;
	const char *cmd;
	ssize_t n;

	if (!real)
		real = (recvmsg_t)dlsym(RTLD_NEXT, "recvmsg");
	n = real(fd, msg, flags);
	cmd = getenv("AFTER_RECV");
	if (!done && cmd && !(flags & MSG_PEEK) && first_dump_part(msg, n)) {
		done = 1;
		/* Not for the command itself, nor anything it starts. */
		cmd = strdupa(cmd);
		unsetenv("AFTER_RECV");
		unsetenv("LD_PRELOAD");
		if (system(cmd) != 0)
			abort();
	}
	return n;
}
