/**
 * tf.text: Tokenizer and padSequences against Keras's semantics. Expected values are either the
 * examples in Keras's `pad_sequences` documentation (marked "Keras docs") or worked by hand from
 * Keras's Tokenizer source rules (marked "by hand": counts, a stable descending sort, 1-based
 * indices, the OOV token first), with the arithmetic written out in the comments.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('js');
});

const CORPUS = ['The cat sat on the mat.', 'The dog sat on the log!', 'Dogs and cats'];

describe('tf.text.padSequences', () => {
  const seqs = [[1], [2, 3], [4, 5, 6]];
  it('matches the Keras docs examples', () => {
    const p = tf.text.padSequences(seqs);
    expect(p.dtype).toBe('int32');
    expect(p.arraySync()).toEqual([[0, 0, 1], [0, 2, 3], [4, 5, 6]]); // Keras docs
    expect(tf.text.padSequences(seqs, { value: -1 }).arraySync()).toEqual([[-1, -1, 1], [-1, 2, 3], [4, 5, 6]]); // Keras docs
    expect(tf.text.padSequences(seqs, { padding: 'post' }).arraySync()).toEqual([[1, 0, 0], [2, 3, 0], [4, 5, 6]]); // Keras docs
    expect(tf.text.padSequences(seqs, { maxlen: 2 }).arraySync()).toEqual([[0, 1], [2, 3], [5, 6]]); // Keras docs
  });
  it('truncating post, float32 with a fractional value, empty rows (by hand)', () => {
    expect(tf.text.padSequences(seqs, { maxlen: 2, truncating: 'post', padding: 'post' }).arraySync()).toEqual([[1, 0], [2, 3], [4, 5]]);
    const f = tf.text.padSequences([[], [7]], { dtype: 'float32', value: 0.5, maxlen: 3 });
    expect(f.dtype).toBe('float32');
    expect(f.arraySync()).toEqual([[0.5, 0.5, 0.5], [0.5, 0.5, 7]]);
    expect(tf.text.padSequences([]).shape).toEqual([0, 0]);
  });
  it('refuses bad options with the op named', () => {
    expect(() => tf.text.padSequences(seqs, { padding: 'mid' as 'pre' })).toThrow(/padSequences: padding type 'mid' not understood/);
    expect(() => tf.text.padSequences(seqs, { truncating: 'x' as 'pre' })).toThrow(/padSequences: truncating type 'x'/);
    expect(() => tf.text.padSequences(seqs, { maxlen: -1 })).toThrow(/padSequences: maxlen must be a non-negative integer, got -1/);
    expect(() => tf.text.padSequences([[1, 'a' as unknown as number]])).toThrow(/padSequences: sequences\[0\]\[1\] must be a number/);
    expect(() => tf.text.padSequences(seqs, { maxLen: 3 } as never)).toThrow(/unrecognized option 'maxLen'/);
  });
});

describe('tf.text.Tokenizer', () => {
  // by hand: counts the 4, sat 2, on 2, every other word 1; first-seen order the cat sat on mat dog log dogs and cats;
  // a stable sort by descending count gives the sat on cat mat dog log dogs and cats -> indices 1..10
  const INDEX = { the: 1, sat: 2, on: 3, cat: 4, mat: 5, dog: 6, log: 7, dogs: 8, and: 9, cats: 10 };

  it('fitOnTexts builds wordIndex, wordCounts, wordDocs and indexDocs as Keras does', () => {
    const tok = new tf.text.Tokenizer();
    tok.fitOnTexts(CORPUS);
    expect({ ...tok.wordIndex }).toEqual(INDEX);
    expect(Object.keys(tok.wordIndex)).toEqual(Object.keys(INDEX)); // insertion order is the rank order
    expect(tok.wordCounts.the).toBe(4);
    expect(tok.wordDocs.the).toBe(2); // 'the' occurs in texts 1 and 2
    expect(tok.indexDocs[1]).toBe(2);
    expect(tok.indexWord[4]).toBe('cat');
    expect(tok.documentCount).toBe(3);
  });

  it('textsToSequences and sequencesToTexts, with and without numWords and an OOV token', () => {
    const tok = new tf.text.Tokenizer();
    tok.fitOnTexts(CORPUS);
    // by hand: the=1 cat=4 sat=2 on=3 the=1, 'hat' unknown and dropped
    expect(tok.textsToSequences(['the cat sat on the hat'])).toEqual([[1, 4, 2, 3, 1]]);
    expect(tok.sequencesToTexts([[1, 4, 2, 99]])).toEqual(['the cat sat']);
    const top = new tf.text.Tokenizer({ numWords: 4 });
    top.fitOnTexts(CORPUS);
    expect(top.textsToSequences(['the cat sat on the hat'])).toEqual([[1, 2, 3, 1]]); // cat=4 is not < numWords
    const oov = new tf.text.Tokenizer({ numWords: 4, oovToken: '<OOV>' });
    oov.fitOnTexts(CORPUS);
    expect(oov.wordIndex['<OOV>']).toBe(1);
    expect(oov.wordIndex.the).toBe(2);
    // by hand: the=2, cat=5>=4 -> 1, sat=3, on=4>=4 -> 1, the=2, hat unknown -> 1
    expect(oov.textsToSequences(['the cat sat on the hat'])).toEqual([[2, 1, 3, 1, 2, 1]]);
    expect(oov.sequencesToTexts([[2, 5, 3]])).toEqual(['the <OOV> sat']);
  });

  it('textsToMatrix in the four modes (by hand)', () => {
    const tok = new tf.text.Tokenizer();
    tok.fitOnTexts(CORPUS);
    const width = 11; // 10 words + the reserved index 0
    const row = (entries: Record<number, number>) => Array.from({ length: width }, (_, j) => entries[j] ?? 0);
    const count = tok.textsToMatrix(['the the cat'], 'count');
    expect(count.shape).toEqual([1, width]);
    expect(count.arraySync()).toEqual([row({ 1: 2, 4: 1 })]);
    expect(tok.textsToMatrix(['the the cat']).arraySync()).toEqual([row({ 1: 1, 4: 1 })]);
    const freq = (tok.textsToMatrix(['the the cat'], 'freq').arraySync() as number[][])[0];
    expect(freq[1]).toBeCloseTo(2 / 3, 6);
    expect(freq[4]).toBeCloseTo(1 / 3, 6);
    // tfidf: tf = 1 + ln(count), idf = ln(1 + docs / (1 + docsWithWord)); 3 documents, 'the' in 2, 'cat' in 1
    const tfidf = (tok.textsToMatrix(['the the cat'], 'tfidf').arraySync() as number[][])[0];
    expect(tfidf[1]).toBeCloseTo((1 + Math.log(2)) * Math.log(1 + 3 / 3), 5);
    expect(tfidf[4]).toBeCloseTo(1 * Math.log(1 + 3 / 2), 5);
    expect(tfidf[2]).toBe(0);
    expect(() => tok.textsToMatrix(['a'], 'bogus' as 'count')).toThrow(/unknown vectorization mode 'bogus'/);
    expect(() => new tf.text.Tokenizer().textsToMatrix(['a'])).toThrow(/specify numWords, or call fitOnTexts/);
  });

  it('charLevel, lower: false, custom split and filters', () => {
    const chars = new tf.text.Tokenizer({ charLevel: true });
    chars.fitOnTexts(['abba', 'c!']);
    // by hand: a 2, b 2, c 1, ! 1 (filters do not apply at character level, as in Keras)
    expect({ ...chars.wordIndex }).toEqual({ a: 1, b: 2, c: 3, '!': 4 });
    expect(chars.textsToSequences(['cab'])).toEqual([[3, 1, 2]]);
    const cased = new tf.text.Tokenizer({ lower: false, split: ',', filters: '' });
    cased.fitOnTexts(['A,b,A']);
    expect({ ...cased.wordIndex }).toEqual({ A: 1, b: 2 });
    expect(tf.text.textToWordSequence('Hello, World!  ok')).toEqual(['hello', 'world', 'ok']);
  });

  it('words that are Object.prototype names are ordinary vocabulary entries', () => {
    const tok = new tf.text.Tokenizer({ filters: '' }); // the default filters would strip the underscores
    tok.fitOnTexts(['constructor __proto__ constructor toString']);
    expect(tok.wordIndex.constructor).toBe(1);
    expect(tok.wordIndex['__proto__']).toBe(2);
    expect(tok.textsToSequences(['tostring valueOf'])).toEqual([[3]]); // lower-cased; valueof unknown
  });

  it('toJSON round-trips, and a Keras to_json string loads', () => {
    const tok = new tf.text.Tokenizer({ oovToken: '<unk>', numWords: 6 });
    tok.fitOnTexts(CORPUS);
    const back = tf.text.tokenizerFromJSON(tok.toJSON());
    expect(back.textsToSequences(['dogs and the cat'])).toEqual(tok.textsToSequences(['dogs and the cat']));
    expect(back.numWords).toBe(6);
    expect(back.sequencesToTexts([[2, 3]])).toEqual(tok.sequencesToTexts([[2, 3]]));
    // written by hand in the layout of Keras's Tokenizer.to_json() (tables as JSON strings)
    const keras = JSON.stringify({
      class_name: 'Tokenizer',
      config: {
        num_words: null, filters: '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n', lower: true, split: ' ', char_level: false,
        oov_token: null, document_count: 1, word_counts: '{"hi": 2, "there": 1}', word_docs: '{"hi": 1, "there": 1}',
        index_docs: '{"1": 1, "2": 1}', index_word: '{"1": "hi", "2": "there"}', word_index: '{"hi": 1, "there": 2}',
      },
    });
    const k = tf.text.tokenizerFromJSON(keras);
    expect(k.textsToSequences(['Hi there, hi!'])).toEqual([[1, 2, 1]]);
    expect(k.sequencesToTexts([[2, 1]])).toEqual(['there hi']);
    expect(() => tf.text.tokenizerFromJSON('{')).toThrow(/tokenizerFromJSON: not valid JSON/);
  });

  it('refuses bad input with the method named', () => {
    expect(() => new tf.text.Tokenizer({ numWords: 0 })).toThrow(/Tokenizer: numWords must be a positive integer or null, got 0/);
    expect(() => new tf.text.Tokenizer({ num_words: 3 } as never)).toThrow(/unrecognized option 'num_words'/);
    const tok = new tf.text.Tokenizer();
    expect(() => tok.fitOnTexts('abc' as never)).toThrow(/Tokenizer.fitOnTexts: texts must be an array/);
    expect(() => tok.fitOnTexts([3 as never])).toThrow(/texts\[0\] must be a string/);
    expect(() => tok.sequencesToTexts([[1.5]])).toThrow(/sequences\[0\] must be an array of non-negative integers/);
  });
});
