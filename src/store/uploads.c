/*
 * uploads.c: the content-addressed file store of uploads.h, under the data directory of the running
 * command (cmd_config.data_dir, the --data-dir flag).
 */
#include "store/uploads.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"

bool uploads_name_valid(const char *sha256)
{
	if (!sha256 || strlen(sha256) != 64)
		return false;
	for (const char *p = sha256; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

/* DATA_DIR/uploads/ab (dir) and DATA_DIR/uploads/ab/cdef… (file) into the buffers. */
static int paths(const char *sha256, char *dir, size_t dirlen, char *file, size_t filelen)
{
	if (!uploads_name_valid(sha256))
		return -1;
	if (snprintf(dir, dirlen, "%s/uploads/%.2s", cmd_config.data_dir, sha256) >= (int)dirlen ||
	    snprintf(file, filelen, "%s/%s", dir, sha256 + 2) >= (int)filelen)
		return -1;
	return 0;
}

static int mkdir_one(const char *path)
{
	if (mkdir(path, 0700) == 0 || errno == EEXIST)
		return 0;
	return -1;
}

static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int uploads_write(const char *sha256, const void *data, size_t len, bool *created)
{
	char dir[700], file[800], top[600], tmp[820];
	int fd = -1, rc = -1;
	*created = false;
	if (paths(sha256, dir, sizeof dir, file, sizeof file) != 0)
		return -1;
	snprintf(top, sizeof top, "%s/uploads", cmd_config.data_dir);
	if (mkdir_one(cmd_config.data_dir) != 0 || mkdir_one(top) != 0 || mkdir_one(dir) != 0)
		return -1;
	if (access(file, F_OK) == 0)
		return 0; /* the same content is already stored */
	if (snprintf(tmp, sizeof tmp, "%s/.tmp-XXXXXX", dir) >= (int)sizeof tmp)
		return -1;
	fd = mkstemp(tmp);
	if (fd < 0)
		return -1;
	const char *p = data;
	size_t left = len;
	while (left > 0) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto out;
		p += w;
		left -= (size_t)w;
	}
	if (fchmod(fd, 0600) != 0 || fsync(fd) != 0)
		goto out;
	if (close(fd) != 0) {
		fd = -1;
		goto out;
	}
	fd = -1;
	if (rename(tmp, file) != 0)
		goto out;
	sync_dir(dir);
	*created = true;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc != 0)
		unlink(tmp);
	return rc;
}

int uploads_remove(const char *sha256)
{
	char dir[700], file[800];
	if (paths(sha256, dir, sizeof dir, file, sizeof file) != 0)
		return -1;
	return unlink(file) == 0 ? 0 : -1;
}

int uploads_read(const char *sha256, size_t max, char **out, size_t *len)
{
	char dir[700], file[800];
	struct stat sb;
	int rc = -1;
	char *buf = NULL;
	*out = NULL;
	*len = 0;
	if (paths(sha256, dir, sizeof dir, file, sizeof file) != 0)
		return -1;
	int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
		goto out;
	if ((size_t)sb.st_size > max) {
		rc = -2;
		goto out;
	}
	size_t n = (size_t)sb.st_size, got = 0;
	buf = malloc(n ? n : 1);
	if (!buf)
		goto out;
	while (got < n) {
		ssize_t k = read(fd, buf + got, n - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			goto out;
		got += (size_t)k;
	}
	*out = buf;
	*len = n;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	close(fd);
	return rc;
}
