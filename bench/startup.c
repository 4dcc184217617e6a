/*
 * startup.c: the measuring client of bench/startup.sh (DESIGN §6: cold start < 100 ms, idle RSS
 * < 20 MiB). For each run and each binary given, it starts `BIN serve --listen 127.0.0.1:PORT` (the
 * environment passed through, output to /dev/null; STARTUP_DB_<i> and STARTUP_DIR_<i>, when set,
 * become binary i's TIENGMO_DB and TIENGMO_DATA_DIR, so each may have its own database), and measures the
 * time from just before fork+exec until a `GET /healthz` on a fresh connection is answered 200: it
 * tries to connect every 100 µs (a refused connect on loopback costs a few µs, so the server starting
 * on the other core is hardly disturbed, and the figure is at most 0.1 ms late). Then, the server
 * being idle, it reads its CPU time so far, VmRSS, RssAnon and RssFile from /proc/PID/status, counts the
 * distinct shared objects in /proc/PID/maps, stops the server with SIGTERM and waits for it. With two
 * binaries the runs alternate (A B, then B A), so both see the same machine minute.
 *
 * Prints one line per run: "binary-index cold-ms vmrss-kB rssanon-kB rssfile-kB libraries cpu-ms",
 * cpu-ms being the CPU time the server used until it answered (all threads, /proc/PID/task/ * /schedstat):
 * unlike the wall time it hardly moves with the load of a shared machine.
 * Not for: timing anything after the start (bench/http.sh), or a cold page cache (the binary and its
 * libraries are in memory, as on a server restarted by systemd; dropping caches needs root).
 *
 * Usage: startup PORT RUNS BIN [BIN2]
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define START_LIMIT_MS 15000.0

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* One GET /healthz on a new connection. 1 when answered 200, 0 when refused or anything else. */
static int healthz(int port)
{
	int ok = 0;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0)
		goto out;
	static const char req[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
	if (write(fd, req, sizeof req - 1) != (ssize_t)(sizeof req - 1))
		goto out;
	char buf[512];
	size_t n = 0;
	for (;;) { /* the status line is enough */
		ssize_t k = read(fd, buf + n, sizeof buf - 1 - n);
		if (k <= 0)
			break;
		n += (size_t)k;
		if (n >= 12 || n == sizeof buf - 1)
			break;
	}
	buf[n] = '\0';
	ok = strncmp(buf, "HTTP/1.1 200", 12) == 0 || strncmp(buf, "HTTP/1.0 200", 12) == 0;
out:
	close(fd);
	return ok;
}

/* VmRSS, RssAnon, RssFile in kB from /proc/PID/status (-1 when absent). */
static void memory(pid_t pid, long *rss, long *anon, long *file)
{
	char path[64], line[256];
	*rss = *anon = *file = -1;
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, "VmRSS:", 6) == 0)
			*rss = strtol(line + 6, NULL, 10);
		else if (strncmp(line, "RssAnon:", 8) == 0)
			*anon = strtol(line + 8, NULL, 10);
		else if (strncmp(line, "RssFile:", 8) == 0)
			*file = strtol(line + 8, NULL, 10);
	}
	fclose(f);
}

/* CPU time in ms the process has used so far, all its threads (the first field of each
 * /proc/PID/task/TID/schedstat, in ns); -1 when it cannot be read. Threads that ended are not counted
 * (none do during a start). */
static double cpu_ms(pid_t pid)
{
	char path[64], line[128];
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	double ns = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char p[400];
		snprintf(p, sizeof p, "%s/%s/schedstat", path, e->d_name);
		FILE *f = fopen(p, "r");
		if (!f)
			continue;
		if (fgets(line, sizeof line, f))
			ns += strtod(line, NULL);
		fclose(f);
	}
	closedir(d);
	return ns / 1e6;
}

/* The number of distinct shared objects (".so" in the path) mapped by PID. */
static int libraries(pid_t pid)
{
	char path[64], line[1024], seen[256][256];
	int n = 0;
	snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f)) {
		char *p = strchr(line, '/');
		if (!p || !strstr(p, ".so"))
			continue;
		p[strcspn(p, "\n")] = '\0';
		int dup = 0;
		for (int i = 0; i < n && !dup; i++)
			dup = strcmp(seen[i], p) == 0;
		if (!dup && n < 256)
			snprintf(seen[n++], sizeof seen[0], "%s", p);
	}
	fclose(f);
	return n;
}

/* One start of bin on port. 0 with the figures printed, -1 when it did not start. */
static int one(int index, const char *bin, int port)
{
	char listen[32];
	snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
	double t0 = now_ms();
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		char name[32];
		snprintf(name, sizeof name, "STARTUP_DB_%d", index);
		if (getenv(name))
			setenv("TIENGMO_DB", getenv(name), 1);
		snprintf(name, sizeof name, "STARTUP_DIR_%d", index);
		if (getenv(name))
			setenv("TIENGMO_DATA_DIR", getenv(name), 1);
		execl(bin, bin, "serve", "--listen", listen, (char *)NULL);
		_exit(127);
	}
	int up = 0, status;
	double t1 = t0;
	while (!up) {
		up = healthz(port);
		t1 = now_ms();
		if (up)
			break;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			fprintf(stderr, "startup: %s exited before answering\n", bin);
			return -1;
		}
		if (t1 - t0 > START_LIMIT_MS)
			break;
		struct timespec pause = {0, 100000};
		nanosleep(&pause, NULL);
	}
	double cpu = cpu_ms(pid);
	long rss, anon, file;
	memory(pid, &rss, &anon, &file);
	int libs = libraries(pid);
	kill(pid, SIGTERM);
	for (int i = 0; i < 500 && waitpid(pid, &status, WNOHANG) != pid; i++) {
		struct timespec pause = {0, 10000000};
		nanosleep(&pause, NULL);
		if (i == 499) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
		}
	}
	if (!up) {
		fprintf(stderr, "startup: %s did not answer /healthz within %.0f ms\n", bin, START_LIMIT_MS);
		return -1;
	}
	printf("%d %.2f %ld %ld %ld %d %.2f\n", index, t1 - t0, rss, anon, file, libs, cpu);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: startup PORT RUNS BIN [BIN2]\n");
		return 2;
	}
	int port = (int)strtol(argv[1], NULL, 10), runs = (int)strtol(argv[2], NULL, 10);
	int nbin = argc - 3, k = 0;
	if (port <= 0 || port > 65535 - 64 || runs <= 0)
		return 2;
	for (int r = 0; r < runs; r++) {
		for (int j = 0; j < nbin; j++) {
			int b = r % 2 ? nbin - 1 - j : j; /* A B, B A, … */
			/* a different port each time: the last run's connection may still hold the old one */
			if (one(b, argv[3 + b], port + k++ % 64) != 0)
				return 1;
		}
	}
	return 0;
}
