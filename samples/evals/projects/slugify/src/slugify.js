'use strict';

/**
 * The URL slug of a title: lower case, words joined by single hyphens, nothing but a-z, 0-9 and hyphens.
 * slugify('  Hello, World!  ') === 'hello-world'
 */
function slugify(title) {
  return title
    .toLowerCase()
    .trim()
    .replace(/[^a-z0-9\s-]/g, '')
    .replace(' ', '-')
    .replace(/^-+|-+$/g, '');
}

module.exports = { slugify };
