//! The pipeline's coverage models (`vigia_detect::coverage`): the network's and each
//! receiver's, loaded from the store at the start, kept across a reload of the zones, and
//! handed to the writer to save (within seconds of the start, then every minute, and at the
//! end).

use std::sync::Arc;

use vigia_detect::coverage::CellTally;
use vigia_detect::Analyzer;
use vigia_store::Store;
use vigia_zones::ZoneIndex;

use super::Pipeline;
use crate::service::writer::WriterMessage;

/// The models saved by earlier runs: the network's (receiver `""`), then each input's by id.
pub(super) fn saved(store: &Store, inputs: &[String]) -> Vec<(String, Vec<CellTally>)> {
    std::iter::once(String::new())
        .chain(inputs.iter().cloned())
        .map(|id| {
            let cells = store.coverage(&id).unwrap_or_default();
            (id, cells)
        })
        .collect()
}

impl Pipeline {
    /// Start from saved models: the network's first, then receiver `r`'s at `r + 1`.
    pub(super) fn seed_coverage(&mut self, models: Vec<(String, Vec<CellTally>)>) {
        for (i, (_, cells)) in models.into_iter().enumerate() {
            if cells.is_empty() {
                continue;
            }
            match i {
                0 => self.analyzer.coverage_mut().merge(cells),
                i => {
                    if let Some(m) = self
                        .analyzer
                        .receiver_coverage_mut()
                        .model_mut(i as u16 - 1)
                    {
                        m.merge(cells);
                    }
                }
            }
        }
    }

    /// New zones: a new analyzer, with the coverage learned so far.
    pub(super) fn replace_zones(&mut self, zones: Arc<ZoneIndex>) {
        let models = self.coverage_models();
        self.analyzer = Analyzer::new(zones, self.identity.clone(), self.analyzer_config.clone());
        self.seed_coverage(models);
    }

    /// The coverage models: the network's (receiver `""`), then each receiver's by id.
    fn coverage_models(&self) -> Vec<(String, Vec<CellTally>)> {
        let receivers = self.analyzer.receiver_coverage();
        std::iter::once((String::new(), self.analyzer.coverage().cells()))
            .chain((0..receivers.len()).map(|r| {
                let id = self.inputs.get(r).cloned().unwrap_or_else(|| r.to_string());
                let cells = receivers
                    .model(r as u16)
                    .map(|m| m.cells())
                    .unwrap_or_default();
                (id, cells)
            }))
            .collect()
    }

    /// Hand the coverage models to the writer to save.
    pub(super) fn save_coverage(&mut self) {
        // A worker of the frame bus sees one partition's aircraft: not a receiver's coverage
        // (and several workers would replace each other's).
        if self.bus.is_none() && !self.analyzer.coverage().is_empty() {
            let _ = self
                .writes
                .send(WriterMessage::Coverage(self.coverage_models()));
        }
    }
}
