/*
 * The step palette: search, items grouped by category in catalog order. Items are dragged onto the
 * canvas (HTML5 drag and drop) or added at the viewport centre by click / Enter.
 */
import { memo, useMemo, useState, type DragEvent, type KeyboardEvent } from 'react';
import type { StepType } from './types';

export const NODE_TYPE_MIME = 'application/x-llmops-node-type';

interface PaletteProps {
  catalog: StepType[];
  onAdd: (typeId: string) => void;
}

function matches(t: StepType, query: string): boolean {
  const q = query.trim().toLowerCase();
  return !q || [t.name, t.description, t.category].some((s) => s?.toLowerCase().includes(q));
}

function PaletteView({ catalog, onAdd }: PaletteProps) {
  const [query, setQuery] = useState('');
  const groups = useMemo(() => {
    const byCategory = new Map<string, StepType[]>();
    for (const t of catalog.filter((c) => matches(c, query))) {
      const category = t.category || 'Other';
      byCategory.set(category, [...(byCategory.get(category) ?? []), t]);
    }
    return [...byCategory];
  }, [catalog, query]);

  const onDragStart = (e: DragEvent, typeId: string) => {
    e.dataTransfer.setData(NODE_TYPE_MIME, typeId);
    e.dataTransfer.effectAllowed = 'copy';
  };
  const onKeyDown = (e: KeyboardEvent, typeId: string) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onAdd(typeId);
    }
  };

  return (
    <aside className="fc-palette" aria-label="Steps">
      <input
        type="search"
        className="fc-palette-search"
        data-testid="palette-search"
        placeholder="Search steps"
        aria-label="Search steps"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <div className="fc-palette-list">
        {groups.map(([category, types]) => (
          <section key={category} aria-label={category}>
            <h3 className="fc-palette-category">{category}</h3>
            {types.map((t) => (
              <div
                key={t.id}
                className="fc-palette-item"
                role="button"
                tabIndex={0}
                draggable
                data-node-type={t.id}
                title={`${t.description ?? t.name}\nDrag onto the canvas, or click to add`}
                onDragStart={(e) => onDragStart(e, t.id)}
                onClick={() => onAdd(t.id)}
                onKeyDown={(e) => onKeyDown(e, t.id)}
              >
                {t.icon && <vaadin-icon icon={t.icon} aria-hidden="true"></vaadin-icon>}
                <div>
                  <div className="fc-palette-name">{t.name}</div>
                  {t.description && <div className="fc-palette-desc">{t.description}</div>}
                </div>
              </div>
            ))}
          </section>
        ))}
        {groups.length === 0 && (
          <div className="fc-palette-empty">{catalog.length ? `No steps match “${query}”` : 'No steps available'}</div>
        )}
      </div>
    </aside>
  );
}

export const Palette = memo(PaletteView);
