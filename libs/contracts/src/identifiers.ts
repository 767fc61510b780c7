/** Customer ids and skus: 1-64 characters of [A-Za-z0-9._-] — in URLs, events and token subjects alike. */
export const ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
