import * as Plot from '@observablehq/plot';
import { useEffect, useRef, useState } from 'react';

/** Follows an element's width, so charts fit a narrow window as well as 1280 px. */
function useWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(640);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      const next = Math.max(280, Math.floor(entry!.contentRect.width));
      setWidth((prev) => (Math.abs(prev - next) < 8 ? prev : next));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

/**
 * An Observable Plot chart as SVG: one element per bar, cell or point, so it renders the same in a
 * headless browser and tests can count what it drew. `label` is its accessible name.
 */
export function PlotFigure({
  options,
  label,
  id,
}: {
  options: Plot.PlotOptions;
  label: string;
  id: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const width = useWidth(ref);
  useEffect(() => {
    const figure = Plot.plot({ ...options, width, ariaLabel: label });
    ref.current?.replaceChildren(figure);
    return () => figure.remove();
  }, [options, width, label]);
  return <div ref={ref} className="chart" data-chart={id} role="figure" aria-label={label} />;
}
