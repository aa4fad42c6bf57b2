import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.js';

describe('renderMarkdown', () => {
  it('renders headings, paragraphs, lists, tables and inline marks', () => {
    expect(renderMarkdown('# Run\n**lr** = `0.01`, *adam*\nsecond line\n\n- a\n- b')).toBe(
      '<h1>Run</h1><p><strong>lr</strong> = <code>0.01</code>, <em>adam</em> second line</p><ul><li>a</li><li>b</li></ul>',
    );
    expect(renderMarkdown('| name | value |\n|---|---|\n| lr | 0.01 |\n| steps | 500 |')).toBe(
      '<table><thead><tr><th>name</th><th>value</th></tr></thead><tbody><tr><td>lr</td><td>0.01</td></tr><tr><td>steps</td><td>500</td></tr></tbody></table>',
    );
  });

  it('escapes HTML so a summary cannot inject markup', () => {
    expect(renderMarkdown('<img src=x onerror="alert(1)"> & **<b>**')).toBe(
      '<p>&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; <strong>&lt;b&gt;</strong></p>',
    );
  });
});
