// ECharts ships its locales as plain ES modules without type declarations.
declare module 'echarts/lib/i18n/langES.js' {
  import type { registerLocale } from 'echarts/core';

  const locale: Parameters<typeof registerLocale>[1];
  export default locale;
}
