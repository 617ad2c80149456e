import { codePointLength, truncateText } from '../../../src/core/text';

/**
 * An antd `count` limit of `max` characters counted as the server counts them (code
 * points: an emoji is one character). Use it instead of `maxLength`, which counts UTF-16
 * units and so stops a name of emoji at half its length.
 */
export const charLimit = (max: number) => ({
  max,
  strategy: codePointLength,
  exceedFormatter: (value: string, config: { max: number }) => truncateText(value, config.max),
});
