// File-system errors in words: "no such file" rather than ENOENT. Every place
// that reads or writes a file the user named reports failures through describeFsError.

const WORDS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENAMETOOLONG: 'the name is too long for the file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EEXIST: 'already exists',
  ENOTEMPTY: 'the folder is not empty',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EBUSY: 'the file is busy',
  ELOOP: 'too many levels of symbolic links',
  EIO: 'input/output error',
  EFBIG: 'the file is too large',
  EINVAL: 'invalid argument',
  ETXTBSY: 'the file is busy (being executed)',
  EAGAIN: 'resource temporarily unavailable',
  ENXIO: 'no such device',
  ENODEV: 'no such device',
};

/** The error code of a Node file-system error, or undefined. */
export function fsErrorCode(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A failed read or write in words: `permission denied`; unknown codes keep Node's message. */
export function describeFsError(e: unknown): string {
  const code = fsErrorCode(e);
  if (code !== undefined && Object.hasOwn(WORDS, code)) return WORDS[code]!;
  const message = e instanceof Error ? e.message : String(e);
  return code !== undefined ? `${message.replace(new RegExp(`^${code}: `), '')}` : message;
}
