import type { ReactNode } from 'react';

/** A titled card of the dashboard; its heading names the region for screen readers. */
export function Section({
  id,
  title,
  children,
  wide = false,
  actions,
}: {
  id: string;
  title: string;
  children: ReactNode;
  wide?: boolean;
  actions?: ReactNode;
}) {
  return (
    <section id={id} className={wide ? 'card wide' : 'card'} aria-labelledby={`${id}-title`}>
      <header className="card-head">
        <h2 id={`${id}-title`}>{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}

/** What a section shows while the replica answers, or when there is nothing yet. */
export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}
