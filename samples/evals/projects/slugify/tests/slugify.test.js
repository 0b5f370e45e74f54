'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { slugify } = require('../src/slugify.js');

test('one word', () => {
  assert.equal(slugify('Cadre'), 'cadre');
});

test('punctuation is dropped', () => {
  assert.equal(slugify('  Hello, World!  '), 'hello-world');
});

test('every space becomes one hyphen', () => {
  assert.equal(slugify('Crews of role based agents'), 'crews-of-role-based-agents');
});

test('runs of spaces and hyphens become one hyphen', () => {
  assert.equal(slugify('Debate  -  or   vote'), 'debate-or-vote');
});
